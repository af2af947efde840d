package dev.hark.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hark.job.options.HarkOptions;
import dev.hark.audio.Resampler;
import dev.hark.avro.AudioChunk;
import dev.hark.avro.LabelScore;
import dev.hark.avro.Prediction;
import dev.hark.avro.SampleEncoding;
import dev.hark.avro.wire.AudioChunks;
import dev.hark.job.testing.KafkaBrokerExtension;
import dev.hark.job.testing.LoopbackMiniCluster;
import dev.hark.job.testing.TestAudio;
import dev.hark.job.testing.TestJobs;
import dev.hark.job.testing.TopicReader;
import dev.hark.model.AudioClassifier;
import dev.hark.model.ModelContract;
import dev.hark.model.TinyModels;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A waveform model (raw samples in, multi-label sigmoid scores out) served by the streaming job: 44.1 kHz audio is
 * resampled, cut into windows of the model's length on the usual time grid, and scored; the job's scores equal the
 * offline scores of the same windows of the whole signal, resampled at once.
 */
class WaveformModelITCase {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK = LoopbackMiniCluster.create();

    @Test
    void servesAWaveformModelWithOfflineParity(@TempDir Path model) throws Exception {
        ModelContract contract = TinyModels.exportLoudnessModel(model);
        int rate = 44100;
        float[] audio = new float[4 * rate]; // 2 s of tone, then 2 s of silence
        for (int i = 0; i < 2 * rate; i++) {
            audio[i] = (float) (0.4 * Math.sin(2 * Math.PI * 440 * i / rate));
        }
        Configuration conf = TestJobs.configuration(KAFKA, "wave", 1);
        conf.set(HarkOptions.MODEL_DIR, model.toString());
        conf.set(HarkOptions.WINDOW_HOP, Duration.ofMillis(250));
        conf.set(HarkOptions.BOUNDED, true);
        byte[] floats = new byte[audio.length * 4];
        ByteBuffer.wrap(floats).order(java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer().put(audio);
        List<AudioChunk> chunks = new ArrayList<>(AudioChunks.split("wave", floats, SampleEncoding.FLOAT32LE, 1, rate, 4410,
                1_000_000));
        chunks.add(AudioChunks.endOf(chunks.get(chunks.size() - 1))); // the resampler's tail is scored too
        TestAudio.send(KAFKA.bootstrapServers(), "wave-audio", chunks);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        JobClient job = HarkJob.start(env, conf);
        job.getJobExecutionResult().get();

        float[] resampled = new Resampler(rate, 16000).resample(audio);
        int windowSamples = (int) contract.windowSamples();
        int hopSamples = 4000; // 250 ms at 16 kHz
        int expected = (resampled.length - windowSamples) / hopSamples + 1;
        List<Prediction> predictions;
        try (TopicReader reader = TopicReader.of(KAFKA.bootstrapServers(), "wave-predictions")) {
            predictions = reader.untilCount("wave-predictions", expected, Duration.ofSeconds(30))
                    .values("wave-predictions", Prediction.getDecoder());
        }
        assertEquals(expected, predictions.size());
        float[] windows = new float[expected * windowSamples];
        for (int i = 0; i < expected; i++) {
            System.arraycopy(resampled, i * hopSamples, windows, i * windowSamples, windowSamples);
        }
        float[][] offline;
        try (AudioClassifier classifier = new AudioClassifier(model, 1, 1,
                HarkOptions.INFERENCE_PRECISION.defaultValue()).open()) {
            offline = classifier.classify(windows, expected);
        }
        double worst = 0;
        for (Prediction p : predictions) {
            int i = (int) p.getWindowIndex();
            for (LabelScore s : p.getTop()) {
                worst = Math.max(worst, Math.abs(s.getScore() - offline[i][contract.labels().indexOf(s.getLabel())]));
            }
            long startMillis = 1_000_000 + i * 250L;
            assertEquals(startMillis, p.getWindowStart().toEpochMilli(), "window " + i);
            String top = p.getTop().get(0).getLabel();
            if (startMillis + 122 <= 1_000_000 + 1950) {
                assertEquals("loud", top, "window " + i + " is all tone");
            } else if (startMillis >= 1_000_000 + 2050) {
                assertEquals("quiet", top, "window " + i + " is all silence");
            }
        }
        System.out.println("waveform parity: " + predictions.size() + " windows, max abs score difference " + worst);
        assertTrue(worst <= 1e-4, "the job's scores differ from offline scores by " + worst);
    }
}
