package dev.hark.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.hark.avro.Prediction;
import dev.hark.avro.wire.WireFormat;
import dev.hark.client.ChunkProducer;
import dev.hark.client.KafkaClients;
import dev.hark.data.DemoStreams;
import dev.hark.job.ingest.RawRecord;
import dev.hark.kafka.KafkaBrokerExtension;
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
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
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
        DataStream<RawRecord> control = HarkJob.modelControlStream(env, KafkaWiring.modelControlSource(conf, controlTopic));
        HarkPipeline.build(audio, control, JobSettings.from(conf))
                .sinkTo(KafkaWiring.predictionSink(conf), KafkaWiring.deadLetterSink(conf), null);
        JobClient job = env.executeAsync("announcement restore");

        DemoStreams.Loaded sample = DemoStreams.loadBundled().get(0);
        List<Prediction> seen = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(KAFKA.bootstrapServers());
             KafkaConsumer<byte[], byte[]> consumer = KafkaClients.consumer(KAFKA.bootstrapServers())) {
            consumer.subscribe(List.of("restore-predictions"));
            ChunkProducer.sendAll(producer, "restore-audio", ChunkProducer.chunks("before", sample.audio().samples(), 16000, 1600, 0));
            awaitStream(consumer, seen, "before", 10);
            producer.send(new ProducerRecord<>(controlTopic, TestJobs.announcement(three.toString(), "3")));
            producer.flush();
            // The control source commits its offsets when a checkpoint completes. Once the announcement's offset is
            // committed, a completed checkpoint holds the source past it and, barriers being aligned, the inference
            // operators' state with it: after a restore only that state can bring the announced model back.
            try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                    java.util.Map.of("bootstrap.servers", KAFKA.bootstrapServers()))) {
                long deadline = System.currentTimeMillis() + 60_000;
                while (committed(admin, "hark-model-control") < 1 && System.currentTimeMillis() < deadline) {
                    Thread.sleep(100);
                }
                assertEquals(1, committed(admin, "hark-model-control"), "the announcement is behind a checkpoint");
            }
            FAIL_NEXT.set(true);
            ChunkProducer.sendAll(producer, "restore-audio", ChunkProducer.chunks("after", sample.audio().samples(), 16000, 1600, 40_000));
            awaitStream(consumer, seen, "after", 10);
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

    private static long committed(org.apache.kafka.clients.admin.Admin admin, String group) throws Exception {
        return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().values().stream()
                .filter(java.util.Objects::nonNull).mapToLong(o -> o.offset()).sum();
    }

    /** Reads predictions until {@code count} of streams whose id starts with {@code prefix} have arrived. */
    private static void awaitStream(KafkaConsumer<byte[], byte[]> consumer, List<Prediction> into, String prefix, int count)
            throws Exception {
        long deadline = System.currentTimeMillis() + 90_000;
        while (into.stream().filter(p -> p.getStreamId().startsWith(prefix)).count() < count
                && System.currentTimeMillis() < deadline) {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                into.add(WireFormat.decode(r.value(), Prediction.getDecoder(), "Prediction"));
            }
        }
    }
}
