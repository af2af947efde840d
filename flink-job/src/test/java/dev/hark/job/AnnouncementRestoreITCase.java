package dev.hark.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.hark.job.kafka.KafkaWiring;
import dev.hark.job.options.HarkOptions;
import dev.hark.avro.Prediction;
import dev.hark.data.DemoStreams;
import dev.hark.job.ingest.RawRecord;
import dev.hark.job.testing.KafkaBrokerExtension;
import dev.hark.job.testing.LoopbackMiniCluster;
import dev.hark.job.testing.TestAudio;
import dev.hark.job.testing.TestJobs;
import dev.hark.job.testing.TopicReader;
import dev.hark.model.ModelVersions;
import dev.hark.job.ingest.ChunkEncoding;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model announced on the control topic survives a failure: the job restarts from a checkpoint taken after the
 * announcement (so the control topic is not read again) and still serves the announced model, from its state.
 */
class AnnouncementRestoreITCase {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK = LoopbackMiniCluster.create();

    static final AtomicBoolean FAIL_NEXT = new AtomicBoolean();
    static final AtomicBoolean FAILED = new AtomicBoolean();

    /** Passes audio records on; fails once, on the first record after the test arms it. */
    static final class FailWhenArmed implements MapFunction<RawRecord, RawRecord> {
        @Override
        public RawRecord map(RawRecord value) {
            if (FAIL_NEXT.compareAndSet(true, false)) {
                FAILED.set(true);
                throw new IllegalStateException("injected failure after the announcement");
            }
            return value;
        }
    }

    @Test
    void theAnnouncedModelIsServedAgainAfterARestartFromACheckpoint(@TempDir Path models) throws Exception {
        Configuration conf = TestJobs.configuration(KAFKA, "restore", 1);
        String controlTopic = TestJobs.withModelControl(KAFKA, conf, "restore");
        conf.set(HarkOptions.WINDOW_HOP, Duration.ofSeconds(1));
        Path three = ModelVersions.add(models, "3");
        String bundled = dev.hark.model.ModelContract.read(ModelVersions.BUNDLED).version();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        TestJobs.checkpointedWithBoundedRestarts(env, 200);
        DataStream<RawRecord> audio = HarkJob.audioStream(env, KafkaWiring.audioSource(conf))
                .map(new FailWhenArmed()).uid("fail-when-armed");
        HarkJob.kafka(env, conf).audio(audio).build(); // the control topic as the options say
        JobClient job = env.executeAsync("announcement restore");

        DemoStreams.Loaded sample = TestAudio.demoStreams().get(0);
        List<Prediction> seen;
        try (TopicReader reader = TopicReader.of(KAFKA.bootstrapServers(), "restore-predictions")) {
            TestAudio.send(KAFKA.bootstrapServers(), "restore-audio", ChunkEncoding.pcm16("before", sample.audio().samples(), 16000, 1600, 0));
            awaitStream(reader, "before", 10);
            TestAudio.sendRaw(KAFKA.bootstrapServers(), controlTopic, null, TestJobs.announcement(three.toString(), "3"));
            // The control source commits its offsets when a checkpoint completes. Once the announcement's offset is
            // committed, a completed checkpoint holds the source past it and, barriers being aligned, the inference
            // operators' state with it: after a restore only that state can bring the announced model back.
            assertEquals(1, KAFKA.awaitCommitted("hark-model-control", 1, Duration.ofSeconds(60)),
                    "the announcement is behind a checkpoint");
            FAIL_NEXT.set(true);
            TestAudio.send(KAFKA.bootstrapServers(), "restore-audio", ChunkEncoding.pcm16("after", sample.audio().samples(), 16000, 1600, 40_000));
            seen = awaitStream(reader, "after", 10);
        } finally {
            job.cancel().get();
        }
        assertEquals(true, FAILED.get(), "the injected failure happened");
        for (Prediction p : seen) {
            String expected = p.getStreamId().equals("before") ? bundled : "3";
            assertEquals(expected, p.getModelVersion(), p.getStreamId() + " " + p.getWindowIndex());
        }
        assertFalse(seen.stream().filter(p -> p.getStreamId().equals("after")).toList().isEmpty());
    }

    /** Reads until {@code count} predictions of streams whose id starts with {@code prefix} have arrived; returns all. */
    private static List<Prediction> awaitStream(TopicReader reader, String prefix, int count) {
        return reader.until(r -> r.values("restore-predictions", Prediction.getDecoder()).stream()
                        .filter(p -> p.getStreamId().startsWith(prefix)).count() >= count, Duration.ofSeconds(90))
                .values("restore-predictions", Prediction.getDecoder());
    }
}
