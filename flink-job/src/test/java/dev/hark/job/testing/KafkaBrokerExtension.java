package dev.hark.job.testing;

import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

/**
 * One real Kafka broker (KRaft) for a test class. With a Docker engine it is Testcontainers' Kafka; without one
 * (our machines and CI) it is {@link KafkaBrokerProcess}, Apache Kafka's server in a JVM of its own. Tests only see
 * bootstrap servers. Force a choice with {@code -Dhark.test.kafka=process} or {@code =testcontainers}. Both listen
 * on 127.0.0.1 only.
 */
public final class KafkaBrokerExtension implements BeforeAllCallback, AfterAllCallback {
    private static final String IMAGE = "apache/kafka-native:4.1.1";
    private KafkaBrokerProcess process;
    private KafkaContainer container;
    private String bootstrapServers;

    @Override
    public void beforeAll(ExtensionContext context) {
        String choice = System.getProperty("hark.test.kafka", "auto");
        boolean docker = switch (choice) {
            case "process" -> false;
            case "testcontainers" -> true;
            default -> dockerAvailable();
        };
        if (docker) {
            container = new KafkaContainer(IMAGE).withCreateContainerCmdModifier(cmd -> cmd.getHostConfig()
                    .withPortBindings(new PortBinding(Ports.Binding.bindIp("127.0.0.1"), ExposedPort.tcp(9092))));
            container.start();
            bootstrapServers = container.getBootstrapServers();
        } else {
            process = KafkaBrokerProcess.start();
            bootstrapServers = process.bootstrapServers();
        }
    }

    private static boolean dockerAvailable() {
        if (System.getenv("DOCKER_HOST") == null && !java.nio.file.Files.exists(java.nio.file.Path.of("/var/run/docker.sock"))) {
            return false; // no engine here: skip Testcontainers' own (noisy) probing
        }
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (Throwable t) {
            return false;
        }
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public Admin admin() {
        return Admin.create(Map.of("bootstrap.servers", bootstrapServers));
    }

    /** Creates a topic with {@code partitions} partitions and one replica. */
    public void createTopic(String name, int partitions) {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("could not create topic " + name, e);
        }
    }

    /**
     * Waits until consumer group {@code group} has committed at least {@code atLeast} offsets in all (summed over its
     * partitions), or {@code timeout} has passed; returns the sum. A Flink Kafka source commits when a checkpoint
     * completes, so this says a checkpoint holds the source past those records.
     */
    public long awaitCommitted(String group, long atLeast, java.time.Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = admin()) {
            while (true) {
                long committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().values()
                        .stream().filter(java.util.Objects::nonNull).mapToLong(o -> o.offset()).sum();
                if (committed >= atLeast || System.nanoTime() > deadline) {
                    return committed;
                }
                Thread.sleep(100);
            }
        }
    }

    /** Kills the broker ({@code kill -9}) and starts it again on the same address and data: a broker restart. */
    public void restart() {
        if (process == null) {
            throw new UnsupportedOperationException("a broker restart needs the broker process (-Dhark.test.kafka=process)");
        }
        process.kill();
        process.restart();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (process != null) {
            process.close();
        }
        if (container != null) {
            container.stop();
        }
    }
}
