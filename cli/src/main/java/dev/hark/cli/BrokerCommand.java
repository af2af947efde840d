package dev.hark.cli;

import dev.hark.job.options.HarkOptions;
import dev.hark.kafka.EmbeddedKafka;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "broker", mixinStandardHelpOptions = true,
        description = {"A local Apache Kafka broker (KRaft, one node) on 127.0.0.1, with hark's topics created: for",
                "trying hark on this machine and feeding it with bin/hark produce or any Kafka client. Stops on Ctrl-C."})
final class BrokerCommand implements Callable<Integer> {
    static final int DEFAULT_PORT = 9092;

    @Spec
    CommandSpec spec;

    @Option(names = "--port", defaultValue = "" + DEFAULT_PORT,
            description = "Port on 127.0.0.1 for Kafka clients (default: ${DEFAULT-VALUE}; 0 picks a free one).")
    int port;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Keep the broker's logs here, so topics and records survive a restart (default: a temporary"
                    + " folder, removed when the broker stops).")
    Path dataDir;

    @Option(names = "--partitions", defaultValue = "3",
            description = "Partitions of the audio and predictions topics (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--topic", paramLabel = "NAME",
            description = "Another topic to create (e.g. a detections or model-control topic); repeatable.")
    List<String> extraTopics = new ArrayList<>();

    @Option(names = "--secure", paramLabel = "DIR",
            description = {"Require SASL/SCRAM (SCRAM-SHA-512) and ACLs. The principals hark-job, hark-producer and"
                    + " hark-consumer are created, each allowed only what its role needs, and each one's Kafka client"
                    + " properties written to DIR/<name>.properties (owner-only; pass with --kafka-config). Passwords"
                    + " are generated once, kept in DIR, never printed. A --topic whose name contains 'control' is a"
                    + " model control topic (hark-producer writes, hark-job reads); any other is an output topic"
                    + " (hark-job writes, hark-consumer reads)."})
    Path secureDir;

    /** Counted down once the broker is up; tests wait on it. */
    final CountDownLatch started = new CountDownLatch(1);
    /** Counted down to stop the broker as Ctrl-C does. */
    final CountDownLatch stop = new CountDownLatch(1);
    volatile String bootstrapServers;

    @Override
    public Integer call() throws Exception {
        if (port < 0 || port > 65535) {
            throw new HarkCli.UserError("--port must be between 0 and 65535, got " + port);
        }
        if (partitions < 1) {
            throw new HarkCli.UserError("--partitions must be at least 1, got " + partitions);
        }
        PrintWriter out = spec.commandLine().getOut();
        EmbeddedKafka kafka = EmbeddedKafka.start(port, dataDir,
                secureDir == null ? null : dev.hark.kafka.BrokerUsers.adminPassword(secureDir));
        Thread onCtrlC = new Thread(() -> {
            stop.countDown();
            kafka.close();
            out.println("broker stopped");
            out.flush();
        }, "hark-broker-shutdown");
        Runtime.getRuntime().addShutdownHook(onCtrlC);
        try {
            List<String> topics = new ArrayList<>();
            for (var topic : List.of(HarkOptions.AUDIO_TOPIC, HarkOptions.PREDICTIONS_TOPIC)) {
                kafka.createTopic(topic.defaultValue(), partitions);
                topics.add(topic.defaultValue() + " (" + partitions + " partitions)");
            }
            kafka.createTopic(HarkOptions.DEAD_LETTER_TOPIC.defaultValue(), 1);
            topics.add(HarkOptions.DEAD_LETTER_TOPIC.defaultValue() + " (1 partition)");
            for (String topic : extraTopics) {
                kafka.createTopic(topic, 1);
                topics.add(topic + " (1 partition)");
            }
            if (secureDir != null) {
                List<String> outputs = new ArrayList<>(List.of(HarkOptions.PREDICTIONS_TOPIC.defaultValue(),
                        HarkOptions.DEAD_LETTER_TOPIC.defaultValue()));
                List<String> control = new ArrayList<>();
                for (String topic : extraTopics) {
                    (topic.contains("control") ? control : outputs).add(topic);
                }
                var files = dev.hark.kafka.BrokerUsers.create(kafka, secureDir, new dev.hark.kafka.BrokerUsers.Topics(
                        HarkOptions.AUDIO_TOPIC.defaultValue(), outputs, control));
                out.println("SASL/SCRAM (" + dev.hark.kafka.EmbeddedKafka.SCRAM + ") and ACLs required; client"
                        + " properties (pass with --kafka-config): " + files.entrySet().stream()
                        .map(e -> e.getKey() + " " + e.getValue()).collect(java.util.stream.Collectors.joining(", ")));
            }
            bootstrapServers = kafka.bootstrapServers();
            out.println("Kafka broker (KRaft) running; bootstrap servers: " + bootstrapServers);
            out.println("topics: " + String.join(", ", topics));
            out.println("data: " + kafka.dataDir() + (dataDir == null ? " (temporary, removed on stop)" : " (kept)"));
            out.println("stop with Ctrl-C");
            out.flush();
            started.countDown();
            stop.await();
        } finally {
            boolean ctrlC = false;
            try {
                Runtime.getRuntime().removeShutdownHook(onCtrlC);
            } catch (IllegalStateException shuttingDown) {
                ctrlC = true; // the hook closes the broker
            }
            if (!ctrlC) {
                kafka.close();
                out.println("broker stopped");
                out.flush();
            }
        }
        return 0;
    }
}
