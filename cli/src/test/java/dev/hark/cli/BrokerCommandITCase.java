package dev.hark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hark.client.KafkaClients;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** bin/hark broker: a KRaft broker on loopback with hark's topics, its records kept in a data folder if asked. */
class BrokerCommandITCase {

    /** A running {@code bin/hark broker}, as the command object, so the test can stop it as Ctrl-C would. */
    private record Running(BrokerCommand command, CompletableFuture<Integer> exit, StringWriter out) {
        static Running start(String... args) throws Exception {
            BrokerCommand command = new BrokerCommand();
            CommandLine cli = new CommandLine(command);
            StringWriter out = new StringWriter();
            cli.setOut(new PrintWriter(out, true));
            cli.setErr(new PrintWriter(out, true));
            CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> cli.execute(args));
            while (!command.started.await(100, TimeUnit.MILLISECONDS)) {
                assertTrue(!exit.isDone(), "the broker ended before it started: " + out);
            }
            return new Running(command, exit, out);
        }

        int stop() throws Exception {
            command.stop.countDown();
            return exit.get(60, TimeUnit.SECONDS);
        }
    }

    @Test
    void startsWithHarksTopicsAndKeepsRecordsInItsDataFolder(@TempDir Path data) throws Exception {
        Running broker = Running.start("--port", "0", "--data-dir", data.toString(), "--topic", "detections");
        String bootstrap = broker.command().bootstrapServers;
        assertTrue(bootstrap.startsWith("127.0.0.1:"), bootstrap);
        assertTrue(broker.out().toString().contains("bootstrap servers: " + bootstrap), broker.out().toString());
        try (Admin admin = KafkaClients.admin(bootstrap, Map.of())) {
            assertEquals(Set.of("audio-chunks", "predictions", "audio-dead-letters", "detections"),
                    admin.listTopics().names().get(30, TimeUnit.SECONDS));
            assertEquals(3, admin.describeTopics(Set.of("audio-chunks")).allTopicNames().get().get("audio-chunks")
                    .partitions().size());
        }
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(bootstrap)) {
            producer.send(new ProducerRecord<>("detections", "kept".getBytes())).get();
        }
        assertEquals(0, broker.stop());
        assertTrue(broker.out().toString().contains("broker stopped"), broker.out().toString());

        Running again = Running.start("--port", "0", "--data-dir", data.toString());
        try (KafkaConsumer<byte[], byte[]> consumer = KafkaClients.consumer(again.command().bootstrapServers)) {
            consumer.subscribe(Set.of("detections"));
            String value = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (value == null && System.nanoTime() < deadline) {
                for (var record : consumer.poll(Duration.ofMillis(200))) {
                    value = new String(record.value());
                }
            }
            assertEquals("kept", value, "the record survived the broker's restart");
        } finally {
            assertEquals(0, again.stop());
        }
    }

    @Test
    void aPortInUseIsRefusedWithWhatToDo() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            HarkCommand.refused("port " + taken.getLocalPort() + " on 127.0.0.1 is in use", "broker", "--port",
                    String.valueOf(taken.getLocalPort()));
        }
        HarkCommand.refused("--partitions must be at least 1", "broker", "--partitions", "0");
    }
}
