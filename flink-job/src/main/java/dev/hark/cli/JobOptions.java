package dev.hark.cli;

import dev.hark.job.HarkOptions;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine.Option;

/** Command-line options shared by the commands that run the job; each maps onto a {@link HarkOptions} key. */
final class JobOptions {
    @Option(names = "--model", paramLabel = "DIR",
            description = "Model folder (SavedModel + hark-model.json). Default: the bundled model, ${DEFAULT-VALUE}.",
            defaultValue = "${sys:hark.home:-.}/model-export/models/keywords")
    Path model;

    @Option(names = "--hop-ms", paramLabel = "MS", defaultValue = "500",
            description = "Milliseconds between window starts (default: ${DEFAULT-VALUE}). The window length is the model's"
                    + " input size, from its contract.")
    long hopMillis;

    @Option(names = "--audio-topic", defaultValue = "audio-chunks", description = "Input topic (default: ${DEFAULT-VALUE}).")
    String audioTopic;

    @Option(names = "--predictions-topic", defaultValue = "predictions", description = "Output topic (default: ${DEFAULT-VALUE}).")
    String predictionsTopic;

    @Option(names = "--dead-letter-topic", defaultValue = "audio-dead-letters",
            description = "Topic for records the job cannot use (default: ${DEFAULT-VALUE}).")
    String deadLetterTopic;

    @Option(names = "--max-out-of-order-ms", paramLabel = "MS", defaultValue = "2000",
            description = "How late a chunk may arrive, in event time (default: ${DEFAULT-VALUE}).")
    long maxOutOfOrderMillis;

    @Option(names = "--top-k", defaultValue = "0", description = "Labels per prediction; 0 = all (default: ${DEFAULT-VALUE}).")
    int topK;

    /** The job's configuration with these options and the given Kafka. */
    Configuration toConfiguration(Configuration base, String bootstrapServers) {
        if (hopMillis < 1) {
            throw new HarkCli.UserError("--hop-ms must be positive, got " + hopMillis);
        }
        if (topK < 0) {
            throw new HarkCli.UserError("--top-k must be 0 (all labels) or positive, got " + topK);
        }
        if (!model.resolve(dev.hark.model.ModelContract.FILE_NAME).toFile().isFile()) {
            throw new HarkCli.UserError("--model " + model + " is not a hark model folder (no "
                    + dev.hark.model.ModelContract.FILE_NAME + "); train one with: bin/hark train --data DIR --out DIR");
        }
        Configuration conf = new Configuration(base);
        conf.set(HarkOptions.BOOTSTRAP_SERVERS, bootstrapServers);
        conf.set(HarkOptions.MODEL_DIR, model.toAbsolutePath().toString());
        conf.set(HarkOptions.WINDOW_HOP, Duration.ofMillis(hopMillis));
        conf.set(HarkOptions.AUDIO_TOPIC, audioTopic);
        conf.set(HarkOptions.PREDICTIONS_TOPIC, predictionsTopic);
        conf.set(HarkOptions.DEAD_LETTER_TOPIC, deadLetterTopic);
        conf.set(HarkOptions.MAX_OUT_OF_ORDERNESS, Duration.ofMillis(maxOutOfOrderMillis));
        conf.set(HarkOptions.TOP_K, topK);
        return conf;
    }
}
