package dev.hark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hark.avro.AudioChunk;
import dev.hark.avro.DeadLetter;
import dev.hark.avro.InferenceTimings;
import dev.hark.avro.LabelScore;
import dev.hark.avro.Prediction;
import dev.hark.avro.wire.WireFormat;
import dev.hark.audio.PcmDecoder;
import dev.hark.audio.SampleFormat;
import dev.hark.data.DemoStreams;
import dev.hark.job.testing.KafkaBrokerExtension;
import dev.hark.job.testing.TestAudio;
import dev.hark.job.testing.TopicReader;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** bin/hark produce sends WAV files as the job expects them; bin/hark consume prints what the job writes. */
class ProduceConsumeITCase {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static String run(String... args) {
        HarkCommand command = HarkCommand.run(args);
        assertEquals(0, command.exit(), command.err());
        return command.out();
    }

    @Test
    void producesEachWavFileAsAStreamOfChunks() throws Exception {
        KAFKA.createTopic("produced", 2);
        Path folder = TestAudio.REPOSITORY.resolve(DemoStreams.BUNDLED_FOLDER);
        String out = run("produce", "--bootstrap-servers", KAFKA.bootstrapServers(), "--topic", "produced", "--fast",
                "--chunk-ms", "250", folder.toString());
        List<DemoStreams.Loaded> streams = DemoStreams.load(folder);
        int perStream = 40 + 1; // 10 s in 250 ms chunks, and the chunk that ends the stream
        assertTrue(out.contains("sent " + streams.size() * perStream + " chunks of 3 stream(s) to produced: 30.0 s of audio"), out);
        try (TopicReader reader = TopicReader.of(KAFKA.bootstrapServers(), "produced")) {
            List<AudioChunk> chunks = reader.untilCount("produced", streams.size() * perStream, Duration.ofSeconds(30))
                    .values("produced", AudioChunk.getDecoder());
            for (DemoStreams.Loaded s : streams) {
                List<AudioChunk> mine = chunks.stream().filter(c -> c.getStreamId().equals(s.stream().id())).toList();
                assertEquals(perStream, mine.size(), s.stream().id());
                float[] joined = new float[0];
                for (int i = 0; i < mine.size(); i++) {
                    AudioChunk c = mine.get(i);
                    assertEquals(i, c.getSequence(), "in sequence, each stream on one partition");
                    assertEquals(mine.get(0).getEventTime().plusMillis(250L * i), c.getEventTime());
                    byte[] bytes = new byte[c.getSamples().remaining()];
                    c.getSamples().duplicate().get(bytes);
                    float[] samples = bytes.length == 0 ? new float[0] : PcmDecoder.decodeMono(bytes, SampleFormat.PCM_S16LE, 1);
                    joined = concat(joined, samples);
                }
                assertTrue(mine.get(perStream - 1).getEndOfStream(), "the stream ends explicitly");
                assertEquals(s.audio().samples().length, joined.length);
                for (int i = 0; i < joined.length; i++) {
                    assertEquals(s.audio().samples()[i], joined[i], 1.0 / 32768, "sample " + i);
                }
            }
        }
    }

    private static float[] concat(float[] a, float[] b) {
        float[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    @Test
    void consumePrintsPredictionsAndDeadLetters() {
        KAFKA.createTopic("outputs", 1);
        Prediction p = Prediction.newBuilder().setStreamId("mic-7").setWindowIndex(3)
                .setWindowStart(Instant.ofEpochMilli(1500)).setWindowEnd(Instant.ofEpochMilli(2500))
                .setModelName("keywords").setModelVersion("2")
                .setTop(List.of(new LabelScore("stop", 0.91f), new LabelScore("go", 0.05f)))
                .setTimings(new InferenceTimings(800L, 4, Instant.ofEpochMilli(2600), Instant.ofEpochMilli(2610))).build();
        DeadLetter d = DeadLetter.newBuilder().setSourceTopic("audio-chunks").setSourcePartition(1).setSourceOffset(42)
                .setKey(null).setValue(null).setReason("EMPTY_RECORD").setMessage("no value")
                .setTime(Instant.ofEpochMilli(3000)).build();
        TestAudio.sendRaw(KAFKA.bootstrapServers(), "outputs", null, WireFormat.encode(p, Prediction.getEncoder()));
        TestAudio.sendRaw(KAFKA.bootstrapServers(), "outputs", null, WireFormat.encode(d, DeadLetter.getEncoder()));
        TestAudio.sendRaw(KAFKA.bootstrapServers(), "outputs", null, "garbage".getBytes());
        String out = run("consume", "--bootstrap-servers", KAFKA.bootstrapServers(), "--topic", "outputs",
                "--from-beginning", "--max", "3");
        List<String> lines = out.lines().toList();
        assertEquals(3, lines.size(), out);
        assertTrue(lines.get(0).matches("prediction +mic-7 +window +3 .*stop +0\\.91 +next go +0\\.05 +\\(keywords v2\\)"),
                lines.get(0));
        assertTrue(lines.get(1).contains("dead letter audio-chunks[1]@42  EMPTY_RECORD: no value"), lines.get(1));
        assertTrue(lines.get(2).startsWith("not a record of hark's"), lines.get(2));
    }
}
