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

    /** Fails within a bounded time, saying what to do, unless Kafka answers and holds {@code topics}. */
    void requireTopics(java.util.Collection<String> topics) {
        dev.hark.client.KafkaPreflight.check(bootstrapServers, properties, topics,
                dev.hark.client.KafkaPreflight.DEFAULT_TIMEOUT);
    }
}
