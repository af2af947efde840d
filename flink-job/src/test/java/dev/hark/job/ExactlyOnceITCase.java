package dev.hark.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hark.job.kafka.KafkaWiring;
import dev.hark.job.options.HarkOptions;
import dev.hark.job.options.JobSettings;
import dev.hark.avro.Prediction;
import dev.hark.data.DemoStreams;
import dev.hark.job.ingest.RawRecord;
import dev.hark.job.testing.KafkaBrokerExtension;
import dev.hark.job.testing.LoopbackMiniCluster;
import dev.hark.job.testing.TestAudio;
import dev.hark.job.testing.TestJobs;
import dev.hark.job.testing.TopicReader;
import dev.hark.job.features.WindowSettings;
import dev.hark.job.ingest.ChunkEncoding;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A task fails mid-stream after checkpoints have committed part of the output; the job restarts from its last
 * checkpoint. A read_committed consumer must see every window's prediction exactly once.
 */
class ExactlyOnceITCase {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK = LoopbackMiniCluster.create();

    static final AtomicBoolean FAILED = new AtomicBoolean();

    /** Passes records on slowly (so checkpoints complete meanwhile) and fails once, in the first attempt. */
    static final class FailOnce extends RichMapFunction<RawRecord, RawRecord> {
        private final int failAt;
        private int seen;

        FailOnce(int failAt) {
            this.failAt = failAt;
        }

        @Override
        public RawRecord map(RawRecord value) throws Exception {
            Thread.sleep(8);
            if (++seen == failAt && getRuntimeContext().getTaskInfo().getAttemptNumber() == 0) {
                FAILED.set(true);
                throw new IllegalStateException("injected failure after " + seen + " records");
            }
            return value;
        }
    }

    @Test
    void everyWindowIsSeenExactlyOnceAcrossAFailureAndRestart() throws Exception {
        Configuration conf = TestJobs.configuration(KAFKA, "eo", 2);
        conf.set(HarkOptions.BOUNDED, true);
        conf.set(HarkOptions.DELIVERY_GUARANTEE, DeliveryGuarantee.EXACTLY_ONCE);
        List<DemoStreams.Loaded> streams = TestAudio.demoStreams();
        long start = 1_760_000_000_000L;
        for (DemoStreams.Loaded s : streams) {
            TestAudio.send(KAFKA.bootstrapServers(), "eo-audio", ChunkEncoding.pcm16(s.stream().id(), s.audio().samples(),
                    s.audio().sampleRate(), 1600, start));
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        TestJobs.checkpointedWithBoundedRestarts(env, 300);
        JobSettings settings = JobSettings.from(conf);
        DataStream<RawRecord> raw = HarkJob.audioStream(env, KafkaWiring.audioSource(conf))
                .map(new FailOnce(80)).uid("fail-once").name("Fail once");
        HarkJob.kafka(env, conf).audio(raw).build();
        env.execute("exactly-once under failure");
        assertTrue(FAILED.get(), "the injected failure happened");
        WindowSettings windows = settings.windows();
        Set<String> expected = new HashSet<>();
        for (DemoStreams.Loaded s : streams) {
            int n = windows.windowCount(s.audio().samples().length);
            for (int i = 0; i < n; i++) {
                expected.add(s.stream().id() + "#" + i);
            }
        }
        List<String> seen;
        try (TopicReader reader = TopicReader.of(KAFKA.bootstrapServers(), "eo-predictions")) {
            seen = reader.untilCount("eo-predictions", expected.size(), Duration.ofSeconds(60))
                    .andFor(Duration.ofSeconds(3)) // duplicates would show up now
                    .values("eo-predictions", Prediction.getDecoder()).stream()
                    .map(p -> p.getStreamId() + "#" + p.getWindowIndex()).toList();
        }
        assertEquals(expected.size(), seen.size(), "no window lost or duplicated");
        assertEquals(expected, new HashSet<>(seen));
    }
}
