package dev.hark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hark.kafka.BrokerUsers;
import dev.hark.model.ModelVersions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * hark against a broker that requires SASL/SCRAM and ACLs (bin/hark broker --secure): the job, produce, consume and
 * announce-model authenticate from the credentials files and do their work end to end; a wrong password, and a
 * principal without the ACL a command needs, each give one clear error within seconds, not a hang; no password is
 * ever printed.
 */
class SecureKafkaITCase {
    static final Path DEMO = Path.of("..", "examples", "demo-streams");

    @Test
    void commandsAuthenticateAndAreHeldToTheirAcls(@TempDir Path dir) throws Exception {
        Path credentials = dir.resolve("credentials");
        BrokerCommand command = new BrokerCommand();
        CommandLine cli = new CommandLine(command);
        StringWriter brokerOut = new StringWriter();
        cli.setOut(new PrintWriter(brokerOut, true));
        cli.setErr(new PrintWriter(brokerOut, true));
        CompletableFuture<Integer> broker = CompletableFuture.supplyAsync(() -> cli.execute("--port", "0",
                "--secure", credentials.toString(), "--topic", "model-control"));
        while (!command.started.await(100, TimeUnit.MILLISECONDS)) {
            assertFalse(broker.isDone(), "the broker ended before it started: " + brokerOut);
        }
        String bootstrap = command.bootstrapServers;
        Path job = credentials.resolve(BrokerUsers.JOB + ".properties");
        Path producer = credentials.resolve(BrokerUsers.PRODUCER + ".properties");
        Path consumer = credentials.resolve(BrokerUsers.CONSUMER + ".properties");
        RunningCommand run = null;
        try {
            for (Path file : new Path[] {job, producer, consumer}) {
                assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)), file.toString());
                assertFalse(brokerOut.toString().contains(password(file)), "a password was printed");
            }

            // No credentials, and a wrong password: one clear line each, in seconds.
            HarkCommand anonymous = HarkCommand.run("produce", "--bootstrap-servers", bootstrap, DEMO.toString());
            assertEquals(2, anonymous.exit(), anonymous.out() + anonymous.err());
            Path wrong = dir.resolve("wrong.properties");
            Files.writeString(wrong, Files.readString(producer).replace(password(producer), "not-the-password"));
            long before = System.nanoTime();
            HarkCommand refused = HarkCommand.refused("refused the credentials", "produce", "--bootstrap-servers",
                    bootstrap, "--kafka-config", wrong.toString(), DEMO.toString());
            assertTrue(System.nanoTime() - before < TimeUnit.SECONDS.toNanos(30), "not a hang");
            assertFalse(refused.err().contains("not-the-password"), refused.err());

            // A principal without the ACL: the consumer may not write audio, the producer may not read predictions.
            HarkCommand.refused("does not allow principal hark-consumer to WRITE topic audio-chunks", "produce",
                    "--bootstrap-servers", bootstrap, "--kafka-config", consumer.toString(), DEMO.toString());
            HarkCommand.refused("does not allow principal hark-producer to READ topic predictions", "consume",
                    "--bootstrap-servers", bootstrap, "--kafka-config", producer.toString(), "--max", "1");
            HarkCommand.refused("does not allow principal hark-producer to WRITE topic predictions", "run",
                    "--bootstrap-servers", bootstrap, "--kafka-config", producer.toString(), "--web-port", "0",
                    "--model", ModelVersions.BUNDLED.toString());

            // Each with its own credentials: the job (exactly-once, so transactions and groups too), produce,
            // announce-model, consume.
            run = RunningCommand.start("run", "--bootstrap-servers", bootstrap, "--kafka-config", job.toString(),
                    "--web-port", "0", "--status-every", "1", "--model", ModelVersions.BUNDLED.toString(),
                    "--model-control-topic", "model-control", "--checkpoint-interval-ms", "1000",
                    "--checkpoint-dir", dir.resolve("checkpoints").toString());
            run.awaitLine(RunningCommand::allTasksRunning, Duration.ofMinutes(2));
            HarkCommand announced = HarkCommand.run("announce-model", "--bootstrap-servers", bootstrap,
                    "--kafka-config", producer.toString(), "--topic", "model-control",
                    "--location", ModelVersions.BUNDLED.toAbsolutePath().normalize().toString());
            assertEquals(0, announced.exit(), announced.err());
            HarkCommand produced = HarkCommand.run("produce", "--bootstrap-servers", bootstrap, "--kafka-config",
                    producer.toString(), "--fast", DEMO.toString());
            assertEquals(0, produced.exit(), produced.err());
            HarkCommand consumed = HarkCommand.run("consume", "--bootstrap-servers", bootstrap, "--kafka-config",
                    consumer.toString(), "--from-beginning", "--json", "--max", "20");
            assertEquals(0, consumed.exit(), consumed.err());
            assertEquals(20, consumed.out().lines().filter(l -> l.contains("\"type\":\"prediction\"")).count(),
                    consumed.out());
            for (Path file : new Path[] {job, producer, consumer}) {
                String secret = password(file);
                for (String printed : new String[] {run.out().toString(), announced.out() + announced.err(),
                        produced.out() + produced.err(), consumed.err()}) {
                    assertFalse(printed.contains(secret), "a password was printed");
                }
            }
        } finally {
            if (run != null) {
                run.cancel();
            }
            command.stop.countDown();
            assertEquals(0, broker.get(60, TimeUnit.SECONDS));
        }
    }

    private static String password(Path file) throws Exception {
        Properties p = new Properties();
        try (var in = Files.newBufferedReader(file)) {
            p.load(in);
        }
        String jaas = p.getProperty("sasl.jaas.config");
        int at = jaas.indexOf("password=\"") + 10;
        return jaas.substring(at, jaas.indexOf('"', at));
    }
}
