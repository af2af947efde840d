package dev.hark.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/** A Kafka client properties file (--kafka-config): its entries, or what is wrong with it. Values are never printed. */
final class KafkaConfigFile {
    private KafkaConfigFile() {
    }

    static Map<String, String> load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new HarkCli.UserError("--kafka-config " + file + ": no such file (a Kafka client properties file,"
                    + " e.g. one bin/hark broker --secure wrote)");
        }
        Properties properties = new Properties();
        try (var in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(in);
        } catch (IOException | IllegalArgumentException e) {
            throw new HarkCli.UserError("--kafka-config " + file + " cannot be read as Java properties: " + e.getMessage());
        }
        Map<String, String> entries = new LinkedHashMap<>();
        properties.stringPropertyNames().stream().sorted().forEach(name -> entries.put(name, properties.getProperty(name)));
        return entries;
    }
}
