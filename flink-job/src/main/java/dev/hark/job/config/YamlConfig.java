package dev.hark.job.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.YamlParserUtils;

/** Reads a YAML options file (Flink's config.yaml style: nested maps or flat dotted keys) into a Configuration. */
public final class YamlConfig {
    private YamlConfig() {
    }

    /** The options in {@code file}; a file that is missing or not YAML is refused, saying which. */
    public static Configuration load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("--config " + file + " is not a file");
        }
        Map<String, Object> yaml;
        try {
            yaml = YamlParserUtils.loadYamlFile(file.toFile());
        } catch (Exception e) {
            throw new IllegalArgumentException("--config " + file + " is not valid YAML: " + e.getMessage());
        }
        Map<String, String> flat = new LinkedHashMap<>();
        flatten("", yaml == null ? Map.of() : yaml, flat);
        return Configuration.fromMap(flat);
    }

    private static void flatten(String prefix, Map<?, ?> map, Map<String, String> out) {
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String key = prefix + e.getKey();
            if (e.getValue() instanceof Map<?, ?> nested) {
                flatten(key + ".", nested, out);
            } else if (e.getValue() instanceof List<?> list) {
                out.put(key, list.stream().map(String::valueOf).collect(Collectors.joining(";")));
            } else if (e.getValue() != null) {
                out.put(key, String.valueOf(e.getValue()));
            }
        }
    }
}
