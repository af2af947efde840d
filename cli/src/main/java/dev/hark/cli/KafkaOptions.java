package dev.hark.cli;

import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** How the commands that read or write Kafka themselves reach it: servers, and any client property. */
final class KafkaOptions {
    @Option(names = "--bootstrap-servers", required = true, paramLabel = "HOST:PORT", description = "Kafka bootstrap servers.")
    String bootstrapServers;

    @Option(names = "--kafka-property", paramLabel = "NAME=VALUE",
            description = "A Kafka client property, e.g. security.protocol=SASL_SSL; repeatable. Values are never logged.")
    Map<String, String> properties = new HashMap<>();
}
