package dev.hark.kafka;

import dev.hark.client.LoopbackPorts;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;

/**
 * A real Apache Kafka broker in KRaft mode (combined broker and controller) running in this JVM, listening on
 * 127.0.0.1 only, on free ports, with its logs in a temporary folder removed on close. For the demo and the tests:
 * no Docker needed.
 */
public final class EmbeddedKafka implements AutoCloseable {
    /** The SASL mechanism of the client listener when the broker is secured. */
    public static final String SCRAM = "SCRAM-SHA-512";
    /** The principal the secured broker itself runs as, and the only super user. */
    public static final String ADMIN = "admin";

    private final Path logDir;
    private final boolean temporary;
    private final int brokerPort;
    private final KafkaRaftServer server;
    /** The admin's password on a secured broker; null without security. */
    private final String adminPassword;

    private EmbeddedKafka(Path logDir, boolean temporary, int brokerPort, KafkaRaftServer server, String adminPassword) {
        this.logDir = logDir;
        this.temporary = temporary;
        this.brokerPort = brokerPort;
        this.server = server;
        this.adminPassword = adminPassword;
    }

    /** The client properties of a SCRAM principal on a secured broker: security protocol, mechanism, JAAS line. */
    public static Map<String, String> scramClientProperties(String user, String password) {
        return Map.of("security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", SCRAM,
                "sasl.jaas.config", scramJaas(user, password));
    }

    private static String scramJaas(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user
                + "\" password=\"" + password + "\";";
    }

    /** A broker on a free port, its logs in a temporary folder; returns once it accepts admin requests. */
    public static EmbeddedKafka start() {
        return start(0, null);
    }

    /**
     * A broker on {@code 127.0.0.1:port} (0: a free port) keeping its logs in {@code dataDir} (formatted on first
     * use, kept on close, so topics and records survive a restart) or, when null, in a temporary folder removed on
     * close. Returns once it accepts admin requests.
     */
    public static EmbeddedKafka start(int port, Path dataDir) {
        return start(port, dataDir, null);
    }

    /**
     * As {@link #start(int, Path)}; with an {@code adminPassword}, secured: clients authenticate with SASL/SCRAM
     * ({@value #SCRAM}) and need ACLs for what they do (Kafka's {@code StandardAuthorizer}, nothing allowed without
     * an ACL), the controller listener takes only the broker itself (SASL/PLAIN), and {@value #ADMIN}, with that
     * password, is the one super user. Create principals and ACLs with {@link #admin()}.
     */
    public static EmbeddedKafka start(int port, Path dataDir, String adminPassword) {
        boolean temporary = dataDir == null;
        Path logDir = null;
        try {
            if (port != 0) {
                requireFree(port);
            }
            logDir = temporary ? Files.createTempDirectory("hark-kafka-") : Files.createDirectories(dataDir);
            int brokerPort = port != 0 ? port : LoopbackPorts.free();
            int controllerPort = LoopbackPorts.free();
            Properties props = new Properties();
            props.put("process.roles", "broker,controller");
            props.put("node.id", "1");
            props.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
            props.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
            props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
            props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
            props.put("controller.listener.names", "CONTROLLER");
            props.put("inter.broker.listener.name", "PLAINTEXT");
            if (adminPassword != null) {
                secure(props, brokerPort, controllerPort, adminPassword);
            }
            props.put("log.dirs", logDir.toString());
            props.put("num.partitions", "1");
            props.put("offsets.topic.replication.factor", "1");
            props.put("offsets.topic.num.partitions", "4");
            props.put("transaction.state.log.replication.factor", "1");
            props.put("transaction.state.log.min.isr", "1");
            props.put("transaction.state.log.num.partitions", "4");
            props.put("share.coordinator.state.topic.replication.factor", "1");
            props.put("share.coordinator.state.topic.min.isr", "1");
            props.put("group.initial.rebalance.delay.ms", "0");
            props.put("auto.create.topics.enable", "false");
            // Exactly-once sinks keep transactions open for a checkpoint interval; allow the usual 15 minutes.
            props.put("transaction.max.timeout.ms", "900000");
            Path config = Files.createTempFile("hark-kafka-", ".properties");
            try (var out = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
                props.store(out, "hark embedded broker");
            }
            ByteArrayOutputStream formatLog = new ByteArrayOutputStream();
            // --ignore-formatted: a data folder kept from an earlier run starts with its topics and records.
            List<String> format = new java.util.ArrayList<>(List.of("format", "-t", clusterId(logDir), "-c",
                    config.toString(), "--ignore-formatted"));
            if (adminPassword != null) { // the broker's own credential, in the metadata log from the start
                format.addAll(List.of("--add-scram", SCRAM + "=[name=" + ADMIN + ",password=" + adminPassword + "]"));
            }
            int rc = StorageTool.execute(format.toArray(String[]::new), new PrintStream(formatLog, true, StandardCharsets.UTF_8));
            Files.deleteIfExists(config);
            if (rc != 0) {
                throw new IllegalStateException("formatting the Kafka log folder failed: " + formatLog);
            }
            KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
            server.startup();
            EmbeddedKafka kafka = new EmbeddedKafka(logDir, temporary, brokerPort, server, adminPassword);
            kafka.awaitReady();
            return kafka;
        } catch (IOException e) {
            if (temporary) {
                deleteQuietly(logDir);
            }
            throw new UncheckedIOException("could not start the embedded Kafka broker", e);
        }
    }

    /** SASL on both listeners, ACLs enforced, the admin the only super user. */
    private static void secure(Properties props, int brokerPort, int controllerPort, String adminPassword) {
        props.put("listeners", "BROKER://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        props.put("advertised.listeners", "BROKER://127.0.0.1:" + brokerPort);
        props.put("listener.security.protocol.map", "BROKER:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT");
        props.put("inter.broker.listener.name", "BROKER");
        props.put("sasl.mechanism.inter.broker.protocol", SCRAM);
        props.put("listener.name.broker.sasl.enabled.mechanisms", SCRAM);
        props.put("listener.name.broker." + SCRAM.toLowerCase(java.util.Locale.ROOT) + ".sasl.jaas.config",
                scramJaas(ADMIN, adminPassword));
        // SCRAM credentials live in the metadata log, which the controller serves: it authenticates with PLAIN.
        props.put("sasl.mechanism.controller.protocol", "PLAIN");
        props.put("listener.name.controller.sasl.enabled.mechanisms", "PLAIN");
        props.put("listener.name.controller.plain.sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + ADMIN
                        + "\" password=\"" + adminPassword + "\" user_" + ADMIN + "=\"" + adminPassword + "\";");
        props.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        props.put("super.users", "User:" + ADMIN);
        props.put("allow.everyone.if.no.acl.found", "false");
    }

    /** The cluster id a kept data folder was formatted with, or a new one. */
    private static String clusterId(Path logDir) throws IOException {
        Path meta = logDir.resolve("meta.properties");
        if (Files.isRegularFile(meta)) {
            Properties formatted = new Properties();
            try (var in = Files.newBufferedReader(meta, StandardCharsets.UTF_8)) {
                formatted.load(in);
            }
            String id = formatted.getProperty("cluster.id");
            if (id != null) {
                return id;
            }
        }
        return Uuid.randomUuid().toString();
    }

    /** Where the broker keeps its logs. */
    public Path dataDir() {
        return logDir;
    }

    /** {@code 127.0.0.1:<port>} */
    public String bootstrapServers() {
        return "127.0.0.1:" + brokerPort;
    }

    /** Creates topics (replication factor 1) if they do not exist yet. */
    public void createTopic(String name, int partitions) {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("could not create topic " + name, e.getCause());
            }
        } catch (Exception e) {
            throw new IllegalStateException("could not create topic " + name, e);
        }
    }

    /** An admin client; on a secured broker it authenticates as {@value #ADMIN}. */
    public Admin admin() {
        Map<String, Object> config = new java.util.HashMap<>();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        if (adminPassword != null) {
            config.putAll(scramClientProperties(ADMIN, adminPassword));
        }
        return Admin.create(config);
    }

    public boolean secured() {
        return adminPassword != null;
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try (Admin admin = admin()) {
                admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
                return;
            } catch (Exception e) {
                last = e;
            }
        }
        close();
        throw new IllegalStateException("the embedded Kafka broker did not become ready in 60 s", last);
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
        if (temporary) {
            deleteQuietly(logDir);
        }
    }

    /** Fails with what to do when another process listens on the port already. */
    private static void requireFree(int port) {
        if (!LoopbackPorts.isFree(port)) {
            throw new IllegalStateException("port " + port + " on 127.0.0.1 is in use (another broker, or an earlier"
                    + " bin/hark broker still running?): stop it, or choose another port");
        }
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort: a temp folder
        }
    }
}
