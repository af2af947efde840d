package dev.hark.job.config;

import dev.hark.job.options.HarkOptions;
import java.nio.file.Path;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.description.TextElement;

/**
 * The arguments of {@link HarkJob#main} (for {@code flink run} and application mode): {@code --config FILE.yaml}
 * (hark and Flink options, nested or flat keys), and any option as {@code --KEY VALUE} or {@code --KEY=VALUE}, e.g.
 * {@code --hark.kafka.bootstrap-servers kafka:9092 --hark.model.dir s3://models/keywords}. Later arguments win over
 * earlier ones and over the file. No command-line library: the job jar carries none.
 */
public final class JobArguments {
    private JobArguments() {
    }

    public static boolean wantsHelp(String[] args) {
        return java.util.Arrays.asList(args).contains("--help") || java.util.Arrays.asList(args).contains("-h");
    }

    /** The options the arguments give; refuses what is malformed, and hark keys that are no option. */
    public static Configuration parse(String[] args) {
        Configuration conf = new Configuration();
        Configuration fromFile = new Configuration();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--") || arg.length() == 2) {
                throw new IllegalArgumentException("unexpected argument '" + arg + "': options are --KEY VALUE or"
                        + " --KEY=VALUE (e.g. --hark.kafka.bootstrap-servers kafka:9092), or --config FILE.yaml; --help"
                        + " lists them");
            }
            String key;
            String value;
            int equals = arg.indexOf('=');
            if (equals > 0) {
                key = arg.substring(2, equals);
                value = arg.substring(equals + 1);
            } else {
                key = arg.substring(2);
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("--" + key + " needs a value");
                }
                value = args[++i];
            }
            if (key.equals("config")) {
                fromFile.addAll(YamlConfig.load(Path.of(value)));
            } else {
                conf.setString(key, value);
            }
        }
        fromFile.addAll(conf);
        HarkOptions.requireKnownKeys(fromFile.keySet());
        return fromFile;
    }

    public static String usage() {
        StringBuilder text = new StringBuilder("hark job: flink run hark-job.jar [--config FILE.yaml] [--KEY VALUE]...\n\n"
                + "Options (any Flink option is accepted too; Kafka client properties as "
                + HarkOptions.KAFKA_PROPERTIES_PREFIX + "NAME):\n");
        for (ConfigOption<?> option : HarkOptions.all()) {
            text.append(String.format("  --%-36s %s%n", option.key() + (option.hasDefaultValue()
                    ? " (" + option.defaultValue() + ")" : ""), text(option)));
        }
        return text.toString();
    }

    /** An option's description as plain text (ours are single text blocks). */
    private static String text(ConfigOption<?> option) {
        return option.description().getBlocks().stream()
                .map(block -> block instanceof TextElement t ? t.getFormat() : String.valueOf(block))
                .collect(java.util.stream.Collectors.joining(" "));
    }
}
