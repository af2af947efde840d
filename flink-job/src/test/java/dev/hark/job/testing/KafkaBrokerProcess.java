package dev.hark.job.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * A real Apache Kafka broker (KRaft, broker and controller in one node) in a JVM of its own, started from Kafka's
 * jars on the test class path with {@code kafka/test-broker.properties}, listening on 127.0.0.1 only. The job's
 * tests treat it as they would a broker in a container: hark's own code never starts it. It can be killed and
 * started again on the same ports and data (a broker restart), and it stops when the test JVM does.
 */
public final class KafkaBrokerProcess implements AutoCloseable {
    private final Path dir;
    private final Path config;
    private final int brokerPort;
    private Process process;

    private KafkaBrokerProcess(Path dir, Path config, int brokerPort) {
        this.dir = dir;
        this.config = config;
        this.brokerPort = brokerPort;
    }

    /** Starts a broker on free ports with a fresh data folder; returns once it answers admin requests. */
    public static KafkaBrokerProcess start() {
        return start(Map.of(), Map.of());
    }

    /**
     * As {@link #start()}, with more listeners (name to 127.0.0.1 port; each listener's name is its security
     * protocol) and more broker properties. The PLAINTEXT listener stays, for {@link #admin()}.
     */
    public static KafkaBrokerProcess start(Map<String, Integer> listeners, Map<String, String> properties) {
        try {
            Path dir = Files.createTempDirectory("hark-test-kafka-");
            int brokerPort = freePort();
            String template;
            try (InputStream in = KafkaBrokerProcess.class.getResourceAsStream("/kafka/test-broker.properties")) {
                template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            StringBuilder more = new StringBuilder();
            listeners.forEach((name, port) -> more.append(",").append(name).append("://127.0.0.1:").append(port));
            StringBuilder protocols = new StringBuilder();
            listeners.keySet().forEach(name -> protocols.append(",").append(name).append(":").append(name));
            StringBuilder extra = new StringBuilder("\n");
            properties.forEach((key, value) -> extra.append(key).append('=').append(value).append('\n'));
            Path config = dir.resolve("server.properties");
            Files.writeString(config, template
                    .replace("listeners=PLAINTEXT://127.0.0.1:${broker.port}", "listeners=PLAINTEXT://127.0.0.1:${broker.port}" + more)
                    .replace("PLAINTEXT:PLAINTEXT,", "PLAINTEXT:PLAINTEXT" + protocols + ",")
                    .replace("${broker.port}", Integer.toString(brokerPort))
                    .replace("${controller.port}", Integer.toString(freePort()))
                    .replace("${log.dir}", dir.resolve("data").toString()) + extra);
            KafkaBrokerProcess broker = new KafkaBrokerProcess(dir, config, brokerPort);
            broker.launch();
            return broker;
        } catch (IOException e) {
            throw new IllegalStateException("could not start the test Kafka broker", e);
        }
    }

    private void launch() throws IOException {
        Path argFile = dir.resolve("java.args");
        // The test class path (Surefire names it; a plain JVM has it as java.class.path), in an argument file: it is long.
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Files.writeString(argFile, String.join("\n", List.of("-cp", '"' + classPath.replace("\\", "\\\\") + '"',
                "-Xmx512m", "-XX:+UseSerialGC", KafkaBrokerMain.class.getName(), config.toString())));
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        process = new ProcessBuilder(java.toString(), "@" + argFile)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("broker.log").toFile()))
                .start();
        awaitReady();
    }

    /** {@code 127.0.0.1:<port>} */
    public String bootstrapServers() {
        return "127.0.0.1:" + brokerPort;
    }

    /** Kills the broker at once ({@code kill -9}): no clean shutdown, data as it was. */
    public void kill() {
        process.destroyForcibly();
        waitFor();
    }

    /** Starts the broker again after {@link #kill}, on the same ports and data. */
    public void restart() {
        try {
            launch();
        } catch (IOException e) {
            throw new IllegalStateException("could not restart the test Kafka broker", e);
        }
    }

    public Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()));
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the test Kafka broker exited with " + process.exitValue() + ":\n" + log());
            }
            try (Admin admin = admin()) {
                admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
                return;
            } catch (Exception e) {
                sleep(100);
            }
        }
        close();
        throw new IllegalStateException("the test Kafka broker did not answer in 90 s:\n" + log());
    }

    private String log() {
        try {
            List<String> lines = Files.readAllLines(dir.resolve("broker.log"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** Stops the broker (cleanly: it closes its standard input) and removes its data. */
    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            try {
                process.getOutputStream().close();
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (IOException | InterruptedException e) {
                process.destroyForcibly();
            }
            waitFor();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary folder
        }
    }

    private void waitFor() {
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }
}
