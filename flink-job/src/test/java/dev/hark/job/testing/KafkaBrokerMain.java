package dev.hark.job.testing;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.Uuid;

/**
 * The main class of {@link KafkaBrokerProcess}'s JVM: formats the log folder, runs Apache Kafka's own server
 * ({@code kafka.Kafka}, what {@code kafka-server-start.sh} runs), and exits when its standard input closes, so a
 * broker never outlives the test JVM that started it, however that JVM ends.
 */
public final class KafkaBrokerMain {
    private KafkaBrokerMain() {
    }

    public static void main(String[] args) throws Exception {
        String config = args[0];
        // A restarted broker keeps its data, formatted with the cluster id it had.
        java.util.Properties settings = new java.util.Properties();
        try (var in = java.nio.file.Files.newBufferedReader(java.nio.file.Path.of(config))) {
            settings.load(in);
        }
        java.nio.file.Path meta = java.nio.file.Path.of(settings.getProperty("log.dirs"), "meta.properties");
        String clusterId = Uuid.randomUuid().toString();
        if (java.nio.file.Files.isRegularFile(meta)) {
            java.util.Properties formatted = new java.util.Properties();
            try (var in = java.nio.file.Files.newBufferedReader(meta)) {
                formatted.load(in);
            }
            clusterId = formatted.getProperty("cluster.id", clusterId);
        }
        int formatted = kafka.tools.StorageTool.execute(new String[] {"format", "-t", clusterId, "-c", config,
                "--ignore-formatted"}, new PrintStream(System.out, true, StandardCharsets.UTF_8));
        if (formatted != 0) {
            System.exit(formatted);
        }
        Thread server = new Thread(() -> kafka.Kafka.main(new String[] {config}), "kafka-server");
        server.setDaemon(true);
        server.start();
        while (System.in.read() != -1) {
            // the parent writes nothing; end of input means it is gone or wants the broker stopped
        }
        System.exit(0); // Kafka's shutdown hook stops the server cleanly
    }
}
