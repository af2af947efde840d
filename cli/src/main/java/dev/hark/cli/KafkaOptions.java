package dev.hark.cli;

import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** How the commands that read or write Kafka themselves reach it: servers, and any client property. */
final class KafkaOptions {
    /** Where {@code bin/hark broker} listens by default. */
    static final String LOCAL_BROKER = "127.0.0.1:" + BrokerCommand.DEFAULT_PORT;

    @Option(names = "--bootstrap-servers", defaultValue = LOCAL_BROKER, paramLabel = "HOST:PORT",
            description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}, where bin/hark broker listens).")
    String bootstrapServers;

    @Option(names = "--kafka-property", paramLabel = "NAME=VALUE",
            description = "A Kafka client property, e.g. security.protocol=SASL_SSL; repeatable. Values are never logged.")
    Map<String, String> properties = new HashMap<>();

    @Option(names = "--kafka-config", paramLabel = "FILE",
            description = "A file of Kafka client properties (security.protocol, sasl.jaas.config, ...), e.g. one that"
                    + " bin/hark broker --secure wrote; --kafka-property entries win over it. Values are never logged.")
    java.nio.file.Path configFile;

    /** Adds the --kafka-config file's entries under the --kafka-property ones; commands call it before using Kafka. */
    private void mergeConfigFile() {
        if (configFile != null) {
            KafkaConfigFile.load(configFile).forEach(properties::putIfAbsent);
            configFile = null;
        }
    }

    /** Fails within a bounded time, saying what to do, unless Kafka answers and holds {@code topics}. */
    void requireTopics(java.util.Collection<String> topics) {
        mergeConfigFile();
        dev.hark.client.KafkaPreflight.check(bootstrapServers, properties, topics,
                dev.hark.client.KafkaPreflight.DEFAULT_TIMEOUT);
    }

    /** As {@link #requireTopics}, and this principal may {@code operation} (READ or WRITE) each of them. */
    void requireTopics(java.util.Collection<String> topics, org.apache.kafka.common.acl.AclOperation operation) {
        mergeConfigFile();
        Map<String, org.apache.kafka.common.acl.AclOperation> access = new java.util.LinkedHashMap<>();
        topics.forEach(topic -> access.put(topic, operation));
        dev.hark.client.KafkaPreflight.check(bootstrapServers, properties, access,
                dev.hark.client.KafkaPreflight.DEFAULT_TIMEOUT);
    }
}
