package dev.hark.cli;

import dev.hark.job.options.HarkOptions;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine.Option;

/**
 * Command-line options shared by the commands that run the job; each maps onto a {@link HarkOptions} key. An option
 * left out keeps what the configuration file says, else the option's default.
 */
final class JobOptions {
    /** The repository bin/hark runs from (its models and sample audio). */
    static Path home() {
        return Path.of(System.getProperty("hark.home", "."));
    }

    /** The model the demo and {@code run} serve when neither the command line nor a config file names one. */
    static Path bundledModel() {
        return home().resolve("model-export/models/keywords");
    }

    @Option(names = "--model", paramLabel = "DIR|URI",
            description = "Model folder (SavedModel + hark-model.json), or a model root of version folders (1, 2, ...)"
                    + " to serve the newest and switch as new ones appear; a local path or a Flink file-system URI"
                    + " (file://, s3://, hdfs://). Default: the bundled model.")
    String model;

    @Option(names = "--model-control-topic", paramLabel = "TOPIC",
            description = "Topic of ModelAnnouncement records that switch the running job to another model (default: none).")
    String modelControlTopic;

    @Option(names = "--hop-ms", paramLabel = "MS",
            description = "Milliseconds between window starts (default: 500). The window length is the model's input"
                    + " size, from its contract.")
    Long hopMillis;

    @Option(names = "--audio-topic", description = "Input topic (default: audio-chunks).")
    String audioTopic;

    @Option(names = "--predictions-topic", description = "Output topic (default: predictions).")
    String predictionsTopic;

    @Option(names = "--dead-letter-topic", description = "Topic for records the job cannot use (default: audio-dead-letters).")
    String deadLetterTopic;

    @Option(names = "--detections-topic", paramLabel = "TOPIC",
            description = "Also write one Detection per spoken keyword to this topic (default: none).")
    String detectionsTopic;

    @Option(names = "--max-out-of-order-ms", paramLabel = "MS",
            description = "How late a chunk may arrive, in event time (default: 2000).")
    Long maxOutOfOrderMillis;

    @Option(names = "--top-k", description = "Labels per prediction; 0 = all (default: 0).")
    Integer topK;

    /** {@code base} with the options given here on top, the Kafka servers, and the bundled model if none is named. */
    Configuration toConfiguration(Configuration base, String bootstrapServers) {
        if (hopMillis != null && hopMillis < 1) {
            throw new HarkCli.UserError("--hop-ms must be positive, got " + hopMillis);
        }
        if (topK != null && topK < 0) {
            throw new HarkCli.UserError("--top-k must be 0 (all labels) or positive, got " + topK);
        }
        Configuration conf = new Configuration(base);
        if (bootstrapServers != null) {
            conf.set(HarkOptions.BOOTSTRAP_SERVERS, bootstrapServers);
        }
        if (model != null) {
            conf.set(HarkOptions.MODEL_DIR, dev.hark.job.inference.ModelLocation.parse(model).toString());
        } else if (conf.getOptional(HarkOptions.MODEL_DIR).isEmpty()) {
            conf.set(HarkOptions.MODEL_DIR, bundledModel().toAbsolutePath().toString());
        }
        setIfGiven(conf, HarkOptions.DETECTIONS_TOPIC, detectionsTopic);
        setIfGiven(conf, HarkOptions.MODEL_CONTROL_TOPIC, modelControlTopic);
        setIfGiven(conf, HarkOptions.WINDOW_HOP, hopMillis == null ? null : Duration.ofMillis(hopMillis));
        setIfGiven(conf, HarkOptions.AUDIO_TOPIC, audioTopic);
        setIfGiven(conf, HarkOptions.PREDICTIONS_TOPIC, predictionsTopic);
        setIfGiven(conf, HarkOptions.DEAD_LETTER_TOPIC, deadLetterTopic);
        setIfGiven(conf, HarkOptions.MAX_OUT_OF_ORDERNESS,
                maxOutOfOrderMillis == null ? null : Duration.ofMillis(maxOutOfOrderMillis));
        setIfGiven(conf, HarkOptions.TOP_K, topK);
        return conf;
    }

    /** An option given on the command line replaces what the configuration file says; one left out does not. */
    static <T> void setIfGiven(Configuration conf, ConfigOption<T> option, T value) {
        if (value != null) {
            conf.set(option, value);
        }
    }
}
