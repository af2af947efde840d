package dev.hark.job;

import dev.hark.model.ModelContract;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import org.apache.flink.configuration.ReadableConfig;

/** The pipeline's settings, validated, with the model contract they were checked against. */
public record JobSettings(
        String modelDir,
        ModelContract contract,
        int hopFrames,
        long maxOutOfOrderMillis,
        long sourceIdleMillis,
        long streamIdleMillis,
        int topK,
        int intraOpThreads,
        int batchSize,
        long batchMaxDelayMillis,
        long modelPollMillis,
        long detectionQuietMillis,
        int maxChunkBytes) implements Serializable {

    public static JobSettings from(ReadableConfig config) throws IOException {
        if (config instanceof org.apache.flink.configuration.Configuration c) {
            HarkOptions.requireKnownKeys(c.keySet());
        }
        String modelDir = config.getOptional(HarkOptions.MODEL_DIR).orElseThrow(() -> new IllegalArgumentException(
                "no model: set " + HarkOptions.MODEL_DIR.key() + " (--model DIR) to a folder with hark-model.json"));
        ModelContract contract = ModelContract.read(dev.hark.model.ModelRoot.resolve(
                dev.hark.job.inference.ModelMirror.localView(modelDir)));
        long hopMillis = config.get(HarkOptions.WINDOW_HOP).toMillis();
        int hopFrames = (int) Math.round(hopMillis / 1000.0 * contract.features().sampleRate()
                / contract.features().hopLength());
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
        String location = dev.hark.job.inference.ModelMirror.isUri(modelDir)
                ? modelDir : Path.of(modelDir).toAbsolutePath().toString();
        return new JobSettings(location, contract, hopFrames, maxOutOfOrder,
                config.get(HarkOptions.SOURCE_IDLE_TIMEOUT).toMillis(),
                config.get(HarkOptions.STREAM_IDLE_TIMEOUT).toMillis(),
                topK == 0 ? contract.labels().size() : topK,
                config.get(HarkOptions.INTRA_OP_THREADS), positive(config, HarkOptions.BATCH_SIZE),
                config.get(HarkOptions.BATCH_MAX_DELAY).toMillis(), config.get(HarkOptions.MODEL_POLL_INTERVAL).toMillis(),
                config.get(HarkOptions.DETECTION_QUIET).toMillis(), config.get(HarkOptions.MAX_CHUNK_BYTES));
    }

    private static int positive(ReadableConfig config, org.apache.flink.configuration.ConfigOption<Integer> option) {
        int value = config.get(option);
        if (value < 1) {
            throw new IllegalArgumentException(option.key() + " must be at least 1, got " + value);
        }
        return value;
    }
}
