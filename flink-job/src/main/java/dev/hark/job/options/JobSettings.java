package dev.hark.job.options;

import dev.hark.job.detect.DetectionSettings;
import dev.hark.job.features.WindowSettings;
import dev.hark.job.inference.InferenceSettings;
import dev.hark.job.inference.ModelLocation;
import dev.hark.job.ingest.IngestSettings;
import dev.hark.job.order.OrderSettings;
import dev.hark.job.order.StreamLimits;
import dev.hark.model.ModelContract;
import java.io.IOException;
import java.io.Serializable;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ReadableConfig;

/**
 * The job's settings, validated against the served model's contract: one record per stage, each taken by the
 * operator of that stage. Building them reads the model's contract where it lies (a local folder or a file-system
 * URI), nothing more.
 */
public record JobSettings(
        ModelContract contract,
        IngestSettings ingest,
        OrderSettings order,
        WindowSettings windows,
        InferenceSettings inference,
        DetectionSettings detections) implements Serializable {

    public static JobSettings from(ReadableConfig config) throws IOException {
        return from(config, System.getenv());
    }

    /** As {@link #from(ReadableConfig)}, with {@code environment} in place of the process's environment variables. */
    static JobSettings from(ReadableConfig config, Map<String, String> environment) throws IOException {
        if (config instanceof Configuration c) {
            HarkOptions.requireKnownKeys(c.keySet());
        }
        ModelLocation location = ModelLocation.parse(config.getOptional(HarkOptions.MODEL_DIR)
                .or(() -> Optional.ofNullable(environment.get(HarkOptions.MODEL_DIR_ENVIRONMENT)).filter(v -> !v.isBlank()))
                .orElseThrow(() -> new IllegalArgumentException("no model: set " + HarkOptions.MODEL_DIR.key()
                        + " (--model DIR) or " + HarkOptions.MODEL_DIR_ENVIRONMENT + " to a folder with hark-model.json")));
        ModelContract contract = location.readContract();
        long hopMillis = config.get(HarkOptions.WINDOW_HOP).toMillis();
        int hopFrames = WindowSettings.hopFrames(contract.features(), hopMillis);
        if (hopFrames < 1) {
            throw new IllegalArgumentException(HarkOptions.WINDOW_HOP.key() + " of " + hopMillis
                    + " ms is shorter than one frame (" + 1000.0 * contract.features().hopLength()
                    / contract.features().sampleRate() + " ms)");
        }
        if (config.get(HarkOptions.INTRA_OP_THREADS) < 0) {
            throw new IllegalArgumentException(HarkOptions.INTRA_OP_THREADS.key() + " must be 0 (TensorFlow's default)"
                    + " or positive, got " + config.get(HarkOptions.INTRA_OP_THREADS));
        }
        int topK = config.get(HarkOptions.TOP_K);
        if (topK < 0) {
            throw new IllegalArgumentException(HarkOptions.TOP_K.key() + " must be 0 (all) or positive, got " + topK);
        }
        long maxOutOfOrder = config.get(HarkOptions.MAX_OUT_OF_ORDERNESS).toMillis();
        if (maxOutOfOrder < 0) {
            throw new IllegalArgumentException(HarkOptions.MAX_OUT_OF_ORDERNESS.key() + " must not be negative");
        }
        long streamIdle = config.get(HarkOptions.STREAM_IDLE_TIMEOUT).toMillis();
        return new JobSettings(contract,
                new IngestSettings(contract.features().sampleRate(), positive(config, HarkOptions.MAX_CHUNK_BYTES),
                        notNegative(config, HarkOptions.MAX_EVENT_TIME_AHEAD)),
                new OrderSettings(maxOutOfOrder, config.get(HarkOptions.SOURCE_IDLE_TIMEOUT).toMillis(), streamIdle,
                        streamLimits(config)),
                WindowSettings.of(contract, hopFrames, streamIdle),
                new InferenceSettings(location, contract, topK == 0 ? contract.labels().size() : topK,
                        config.get(HarkOptions.INTRA_OP_THREADS), positive(config, HarkOptions.BATCH_SIZE),
                        config.get(HarkOptions.BATCH_MAX_DELAY).toMillis(),
                        config.get(HarkOptions.MODEL_POLL_INTERVAL).toMillis(),
                        config.get(HarkOptions.INFERENCE_PRECISION)),
                DetectionSettings.of(contract, config.get(HarkOptions.DETECTION_QUIET).toMillis()));
    }

    private static StreamLimits streamLimits(ReadableConfig config) {
        long sequenceAhead = config.get(HarkOptions.MAX_SEQUENCE_AHEAD);
        if (sequenceAhead < 1) {
            throw new IllegalArgumentException(HarkOptions.MAX_SEQUENCE_AHEAD.key() + " must be at least 1, got "
                    + sequenceAhead);
        }
        long waitingBytes = config.get(HarkOptions.MAX_WAITING_BYTES).getBytes();
        if (waitingBytes < 1) {
            throw new IllegalArgumentException(HarkOptions.MAX_WAITING_BYTES.key() + " must be at least 1 byte");
        }
        return new StreamLimits(positive(config, HarkOptions.MAX_LIVE_STREAMS),
                positive(config, HarkOptions.MAX_WAITING_CHUNKS), waitingBytes, sequenceAhead,
                notNegative(config, HarkOptions.MAX_LATENESS), notNegative(config, HarkOptions.MAX_GAP_FILL));
    }

    private static long notNegative(ReadableConfig config, ConfigOption<java.time.Duration> option) {
        long millis = config.get(option).toMillis();
        if (millis < 0) {
            throw new IllegalArgumentException(option.key() + " must not be negative, got " + config.get(option));
        }
        return millis;
    }

    private static int positive(ReadableConfig config, ConfigOption<Integer> option) {
        int value = config.get(option);
        if (value < 1) {
            throw new IllegalArgumentException(option.key() + " must be at least 1, got " + value);
        }
        return value;
    }
}
