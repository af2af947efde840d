package dev.hark.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hark.avro.Prediction;
import dev.hark.avro.wire.WireFormat;
import dev.hark.client.ChunkProducer;
import dev.hark.client.KafkaClients;
import dev.hark.data.DemoStreams;
import dev.hark.kafka.KafkaBrokerExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
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

    private static List<Prediction> await(KafkaConsumer<byte[], byte[]> consumer, List<Prediction> into, int count)
            throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        while (into.size() < count && System.currentTimeMillis() < deadline) {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                into.add(WireFormat.decode(r.value(), Prediction.getDecoder(), "Prediction"));
            }
        }
        return into;
    }

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
        DemoStreams.Loaded sample = DemoStreams.loadBundled().get(0);
        List<Prediction> seen = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(KAFKA.bootstrapServers());
             KafkaConsumer<byte[], byte[]> consumer = KafkaClients.consumer(KAFKA.bootstrapServers())) {
            consumer.subscribe(List.of("swap-predictions"));
            ChunkProducer.sendAll(producer, "swap-audio", ChunkProducer.chunks("before", sample.audio().samples(), 16000, 1600, 0));
            await(consumer, seen, 10);
            ModelVersions.add(root, "2");
            Thread.sleep(1500); // a few polls
            ChunkProducer.sendAll(producer, "swap-audio", ChunkProducer.chunks("after", sample.audio().samples(), 16000, 1600, 20_000));
            await(consumer, seen, 20);
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

    @Test
    void switchesToAModelAnnouncedOnTheControlTopic(@TempDir Path models) throws Exception {
        Configuration conf = TestJobs.configuration(KAFKA, "ann", 1);
        TestJobs.withModelControl(KAFKA, conf, "ann");
        conf.set(HarkOptions.WINDOW_HOP, Duration.ofSeconds(1));
        Path three = ModelVersions.add(models, "3");
        Path broken = ModelVersions.add(models, "4");
        java.nio.file.Files.write(broken.resolve("saved_model.pb"), new byte[] {1, 2, 3});
        String bundled = dev.hark.model.ModelContract.read(ModelVersions.BUNDLED).version();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2); // each announcement reaches every inference subtask
        JobClient job = HarkJob.start(env, conf);
        DemoStreams.Loaded sample = DemoStreams.loadBundled().get(0);
        List<Prediction> seen = new ArrayList<>();
        dev.hark.avro.DeadLetter controlDeadLetter = null;
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(KAFKA.bootstrapServers());
             KafkaConsumer<byte[], byte[]> consumer = KafkaClients.consumer(KAFKA.bootstrapServers());
             KafkaConsumer<byte[], byte[]> deadLetters = KafkaClients.consumer(KAFKA.bootstrapServers())) {
            consumer.subscribe(List.of("ann-predictions"));
            deadLetters.subscribe(List.of("ann-dead"));
            ChunkProducer.sendAll(producer, "ann-audio", ChunkProducer.chunks("before", sample.audio().samples(), 16000, 1600, 0));
            await(consumer, seen, 10);
            // A good model, then a broken one (rejected: the good one stays), then bytes that are no announcement.
            // The good one through the command line users have for it.
            java.io.StringWriter announced = new java.io.StringWriter();
            picocli.CommandLine cli = dev.hark.cli.HarkCli.commandLine();
            cli.setOut(new java.io.PrintWriter(announced));
            assertEquals(0, cli.execute("announce-model", "--bootstrap-servers", KAFKA.bootstrapServers(),
                    "--topic", "ann-control", "--location", three.toString(), "--expected-version", "3"), announced.toString());
            producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>("ann-control", TestJobs.announcement(broken.toUri().toString(), null)));
            producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>("ann-control", "switch to v5 please".getBytes()));
            producer.flush();
            long deadline = System.currentTimeMillis() + 60_000;
            while (controlDeadLetter == null && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : deadLetters.poll(Duration.ofMillis(200))) {
                    controlDeadLetter = WireFormat.decode(r.value(), dev.hark.avro.DeadLetter.getDecoder(), "DeadLetter");
                }
            }
            Thread.sleep(1000); // the announcements before that record reach both inference subtasks
            ChunkProducer.sendAll(producer, "ann-audio", ChunkProducer.chunks("after", sample.audio().samples(), 16000, 1600, 20_000));
            await(consumer, seen, 20);
        } finally {
            job.cancel().get();
        }
        assertEquals("ann-control", controlDeadLetter.getSourceTopic());
        assertEquals("NOT_SINGLE_OBJECT_ENCODED", controlDeadLetter.getReason());
        assertEquals(20, seen.size());
        for (Prediction p : seen) {
            assertEquals(p.getStreamId().equals("before") ? bundled : "3", p.getModelVersion(),
                    p.getStreamId() + " " + p.getWindowIndex());
        }
    }
}
