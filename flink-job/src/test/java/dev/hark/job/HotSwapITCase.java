package dev.hark.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hark.job.options.HarkOptions;
import dev.hark.avro.DeadLetter;
import dev.hark.avro.Prediction;
import dev.hark.data.DemoStreams;
import dev.hark.job.testing.KafkaBrokerExtension;
import dev.hark.job.testing.LoopbackMiniCluster;
import dev.hark.job.testing.TestAudio;
import dev.hark.job.testing.TestJobs;
import dev.hark.job.testing.TopicReader;
import dev.hark.model.ModelContract;
import dev.hark.model.ModelVersions;
import dev.hark.job.ingest.ChunkEncoding;
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
 * A running job switches to a new model version without a restart: one that appears under its model root, or one
 * announced on the model control topic.
 */
class HotSwapITCase {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK = LoopbackMiniCluster.create();

    static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void switchesModelsMidStream(@TempDir Path root) throws Exception {
        ModelVersions.add(root, "1");
        Configuration conf = TestJobs.configuration(KAFKA, "swap", 1);
        conf.set(HarkOptions.MODEL_DIR, root.toString());
        conf.set(HarkOptions.MODEL_POLL_INTERVAL, Duration.ofMillis(200));
        conf.set(HarkOptions.WINDOW_HOP, Duration.ofSeconds(1));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        JobClient job = HarkJob.start(env, conf);
        DemoStreams.Loaded sample = TestAudio.demoStreams().get(0);
        List<Prediction> seen;
        try (TopicReader reader = TopicReader.of(KAFKA.bootstrapServers(), "swap-predictions")) {
            TestAudio.send(KAFKA.bootstrapServers(), "swap-audio", ChunkEncoding.pcm16("before", sample.audio().samples(), 16000, 1600, 0));
            reader.untilCount("swap-predictions", 10, WAIT);
            ModelVersions.add(root, "2");
            long next = untilServed(reader, root, "2", Arrays.copyOf(sample.audio().samples(), 2 * 16000), 20_000);
            TestAudio.send(KAFKA.bootstrapServers(), "swap-audio", ChunkEncoding.pcm16("after", sample.audio().samples(), 16000, 1600, next));
            reader.until(r -> ofStream(r, "after").size() >= 10, WAIT);
            seen = new ArrayList<>(ofStream(reader, "before"));
            seen.addAll(ofStream(reader, "after"));
        } finally {
            job.cancel().get();
        }
        assertEquals(20, seen.size());
        for (Prediction p : seen) {
            assertEquals(p.getStreamId().equals("before") ? "1" : "2", p.getModelVersion(), p.getStreamId() + " " + p.getWindowIndex());
        }
        // The same audio and the same weights: the switch changes the version, not the scores.
        for (int i = 0; i < 10; i++) {
            assertEquals(seen.get(i).getTop().get(0).getLabel(), seen.get(10 + i).getTop().get(0).getLabel());
        }
    }

    /**
     * Sends short probe streams, one after another, until one is answered by {@code version}; returns an event time
     * after the last probe. The job polls every 200 ms, but loading a model can take seconds on a busy machine.
     */
    private static long untilServed(TopicReader reader, Path root, String version, float[] probe, long from) {
        long eventTime = from;
        for (int i = 0; i < 60; i++) {
            String id = "probe-" + i;
            TestAudio.send(KAFKA.bootstrapServers(), "swap-audio", ChunkEncoding.pcm16(id, probe, 16000, 1600, eventTime));
            eventTime += 5_000;
            List<Prediction> answers = ofStream(reader.until(r -> !ofStream(r, id).isEmpty(), WAIT), id);
            if (answers.isEmpty()) {
                throw new AssertionError("no prediction for " + id + " within " + WAIT);
            }
            if (answers.stream().anyMatch(p -> p.getModelVersion().equals(version))) {
                return eventTime;
            }
        }
        throw new AssertionError("no prediction from model version " + version + " under " + root + " after 60 probes");
    }

    private static List<Prediction> ofStream(TopicReader reader, String streamId) {
        return ofStream(reader, "swap-predictions", streamId);
    }

    private static List<Prediction> ofStream(TopicReader reader, String topic, String streamId) {
        return TestJobs.predictionsOf(reader, topic, streamId);
    }

    @Test
    void switchesToAModelAnnouncedOnTheControlTopic(@TempDir Path models) throws Exception {
        Configuration conf = TestJobs.configuration(KAFKA, "ann", 1);
        String control = TestJobs.withModelControl(KAFKA, conf, "ann");
        conf.set(HarkOptions.WINDOW_HOP, Duration.ofSeconds(1));
        Path three = ModelVersions.add(models, "3");
        Path broken = ModelVersions.addBroken(models, "4");
        String bundled = ModelContract.read(ModelVersions.BUNDLED).version();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2); // each announcement reaches every inference subtask
        JobClient job = HarkJob.start(env, conf);
        DemoStreams.Loaded sample = TestAudio.demoStreams().get(0);
        List<Prediction> seen;
        List<DeadLetter> deadLetters;
        try (TopicReader reader = TopicReader.of(KAFKA.bootstrapServers(), "ann-predictions", "ann-dead")) {
            TestAudio.send(KAFKA.bootstrapServers(), "ann-audio", ChunkEncoding.pcm16("before", sample.audio().samples(), 16000, 1600, 0));
            reader.untilCount("ann-predictions", 10, WAIT);
            // A good model, then a broken one (rejected: the good one stays), then bytes that are no announcement.
            TestAudio.sendRaw(KAFKA.bootstrapServers(), control, null, TestJobs.announcement(three.toString(), "3"));
            TestAudio.sendRaw(KAFKA.bootstrapServers(), control, null, TestJobs.announcement(broken.toUri().toString(), null));
            TestAudio.sendRaw(KAFKA.bootstrapServers(), control, null, "switch to v5 please".getBytes());
            reader.untilCount("ann-dead", 1, WAIT);
            // Each inference subtask checks the announcements on its own model thread: probe both until both serve 3.
            long next = 20_000;
            for (int subtask = 0; subtask < 2; subtask++) {
                next = TestJobs.untilServedBy(KAFKA, reader, "ann", subtask, 2, "3",
                        Arrays.copyOf(sample.audio().samples(), 2 * 16000), next);
            }
            TestAudio.send(KAFKA.bootstrapServers(), "ann-audio", ChunkEncoding.pcm16("after", sample.audio().samples(), 16000, 1600, next));
            reader.until(r -> ofStream(r, "ann-predictions", "after").size() >= 10, WAIT);
            seen = new ArrayList<>(ofStream(reader, "ann-predictions", "before"));
            seen.addAll(ofStream(reader, "ann-predictions", "after"));
            deadLetters = reader.values("ann-dead", DeadLetter.getDecoder());
        } finally {
            job.cancel().get();
        }
        assertEquals(1, deadLetters.size());
        assertEquals(control, deadLetters.get(0).getSourceTopic());
        assertEquals("NOT_SINGLE_OBJECT_ENCODED", deadLetters.get(0).getReason());
        assertEquals(20, seen.size());
        for (Prediction p : seen) {
            assertEquals(p.getStreamId().equals("before") ? bundled : "3", p.getModelVersion(),
                    p.getStreamId() + " " + p.getWindowIndex());
        }
    }
}
