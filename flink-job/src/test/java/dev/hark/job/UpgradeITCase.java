package dev.hark.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hark.job.options.HarkOptions;
import dev.hark.job.options.JobSettings;
import dev.hark.job.features.WindowSettings;
import dev.hark.avro.AudioChunk;
import dev.hark.avro.Detection;
import dev.hark.avro.Prediction;
import dev.hark.data.DemoStreams;
import dev.hark.job.testing.KafkaBrokerExtension;
import dev.hark.job.testing.LoopbackMiniCluster;
import dev.hark.job.testing.TestAudio;
import dev.hark.job.testing.TestJobs;
import dev.hark.job.testing.TopicReader;
import dev.hark.model.ModelVersions;
import dev.hark.job.ingest.ChunkEncoding;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * An upgrade: the job is stopped with a savepoint in the middle of its streams, after a model announcement, and a
 * changed job (parallelism 2 to 3, and a new operator: detections) starts from it. The streams go on where they
 * were (no chunk dead-lettered, no window lost or repeated, windows across the stop complete), and the announced
 * model is still served: state and output intact, through the operators' stable uids. Without them the restore
 * would fail, since the savepoint's state may not be dropped.
 */
class UpgradeITCase {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK = LoopbackMiniCluster.create(3, LocalFlink.loopbackConfiguration());

    @Test
    void aChangedJobResumesFromASavepointWithItsStateAndModel(@TempDir Path dir) throws Exception {
        Configuration conf = TestJobs.configuration(KAFKA, "upgrade", 3);
        String control = TestJobs.withModelControl(KAFKA, conf, "upgrade");
        conf.set(HarkOptions.DELIVERY_GUARANTEE, DeliveryGuarantee.EXACTLY_ONCE);
        Path three = ModelVersions.add(dir.resolve("models"), "3");
        List<DemoStreams.Loaded> demo = TestAudio.demoStreams();
        long start = System.currentTimeMillis() - 120_000;
        List<List<AudioChunk>> streams = demo.stream().map(s -> ChunkEncoding.pcm16("up-" + s.stream().id(),
                s.audio().samples(), s.audio().sampleRate(), 1600, start)).toList();

        // Version 1: parallelism 2, no detections. The announcement first, then the first half of every stream.
        TestAudio.sendRaw(KAFKA.bootstrapServers(), control, null, TestJobs.announcement(three.toString(), "3"));
        JobClient v1 = start(conf, 2, null);
        // Once the control source's offset past the announcement is committed, a checkpoint holds the announcement
        // in the inference operators' state (served, or still being checked); once both subtasks serve it, every
        // window from here on is scored with it.
        assertEquals(1, KAFKA.awaitCommitted("hark-model-control", 1, Duration.ofSeconds(90)),
                "the announcement is behind a checkpoint");
        try (TopicReader probes = TopicReader.of(KAFKA.bootstrapServers(), "upgrade-predictions")) {
            float[] probe = java.util.Arrays.copyOf(demo.get(0).audio().samples(), 2 * 16000);
            long next = start - 60_000; // probes' event time stays before the streams'
            for (int subtask = 0; subtask < 2; subtask++) {
                next = TestJobs.untilServedBy(KAFKA, probes, "upgrade", subtask, 2, "3", probe, next);
            }
        }
        for (List<AudioChunk> chunks : streams) {
            TestAudio.send(KAFKA.bootstrapServers(), "upgrade-audio", chunks.subList(0, chunks.size() / 2));
        }
        JobSettings settings = JobSettings.from(conf);
        int firstHalf = streams.stream().mapToInt(c -> windows(settings, c.size() / 2 * 1600 - 1600)).sum();
        try (TopicReader reader = TopicReader.of(KAFKA.bootstrapServers(), "upgrade-predictions")) {
            reader.until(r -> ofStreams(r).size() >= firstHalf, Duration.ofSeconds(90));
        }
        String savepoint = v1.stopWithSavepoint(false, dir.resolve("savepoints").toUri().toString(),
                SavepointFormatType.CANONICAL).get();

        // Version 2: parallelism 3 and a detections operator, from the savepoint; then the rest of every stream.
        conf.set(HarkOptions.DETECTIONS_TOPIC, "upgrade-detections");
        KAFKA.createTopic("upgrade-detections", 1);
        JobClient v2 = start(conf, 3, savepoint);
        for (List<AudioChunk> chunks : streams) {
            List<AudioChunk> rest = new java.util.ArrayList<>(chunks.subList(chunks.size() / 2, chunks.size()));
            rest.add(dev.hark.avro.wire.AudioChunks.endOf(chunks.get(chunks.size() - 1)));
            TestAudio.send(KAFKA.bootstrapServers(), "upgrade-audio", rest);
        }
        Set<String> expected = new HashSet<>();
        for (List<AudioChunk> chunks : streams) {
            String id = chunks.get(0).getStreamId();
            int samples = chunks.stream().mapToInt(c -> c.getSamples().remaining() / 2).sum();
            for (int i = 0; i < windows(settings, samples); i++) {
                expected.add(id + "#" + i);
            }
        }
        List<Prediction> predictions;
        List<Detection> detections;
        int deadLetters;
        try (TopicReader reader = TopicReader.of(KAFKA.bootstrapServers(), "upgrade-predictions",
                "upgrade-detections", "upgrade-dead")) {
            reader.until(r -> ofStreams(r).size() >= expected.size(), Duration.ofSeconds(90))
                    .andFor(Duration.ofSeconds(3));
            predictions = ofStreams(reader);
            detections = reader.values("upgrade-detections", Detection.getDecoder());
            deadLetters = reader.count("upgrade-dead");
        } finally {
            v2.cancel().get();
        }
        List<String> seen = predictions.stream().map(p -> p.getStreamId() + "#" + p.getWindowIndex()).toList();
        assertEquals(expected, new HashSet<>(seen), "every window of every stream, across the upgrade");
        assertEquals(expected.size(), seen.size(), "each once");
        assertEquals(0, deadLetters, "the streams went on in sequence: their order state came back");
        assertTrue(predictions.stream().allMatch(p -> p.getModelVersion().equals("3")),
                "the announced model, before and after the upgrade");
        assertFalse(detections.isEmpty(), "the new operator runs");
    }

    /** The predictions of the test's streams, without the probes'. */
    private static List<Prediction> ofStreams(TopicReader reader) {
        return reader.values("upgrade-predictions", Prediction.getDecoder()).stream()
                .filter(p -> p.getStreamId().startsWith("up-")).toList();
    }

    private static JobClient start(Configuration conf, int parallelism, String savepoint) throws Exception {
        Configuration runtime = new Configuration();
        if (savepoint != null) {
            runtime.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
            runtime.set(StateRecoveryOptions.SAVEPOINT_IGNORE_UNCLAIMED_STATE, false);
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(runtime);
        env.setParallelism(parallelism);
        env.enableCheckpointing(500);
        return HarkJob.start(env, conf);
    }

    /** Windows of a stream of {@code samples} samples at the model's rate. */
    private static int windows(JobSettings settings, int samples) {
        return settings.windows().windowCount(samples);
    }
}
