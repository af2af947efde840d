package dev.hark.job.inference;

import dev.hark.model.ModelContract;
import dev.hark.model.Precision;
import java.io.Serializable;

/**
 * What the inference operators serve, and how they batch.
 *
 * @param modelLocation  a model folder or a model root
 * @param contract       the contract the job was built for: every model served must fit it
 * @param topK           labels per prediction, best first
 * @param intraOpThreads TensorFlow threads per op (0: TensorFlow's default)
 * @param batchSize      most windows per TensorFlow call
 * @param maxDelayMillis longest a window waits for its batch to fill
 * @param pollMillis     how often a model root is looked at for a newer version (0: never)
 * @param precision      what the model's CPU ops run in ({@link Precision#AUTO} is resolved on each TaskManager)
 */
public record InferenceSettings(ModelLocation modelLocation, ModelContract contract, int topK, int intraOpThreads,
                                int batchSize, long maxDelayMillis, long pollMillis, Precision precision)
        implements Serializable {
    /** In float32. */
    public InferenceSettings(ModelLocation modelLocation, ModelContract contract, int topK, int intraOpThreads, int batchSize,
                             long maxDelayMillis, long pollMillis) {
        this(modelLocation, contract, topK, intraOpThreads, batchSize, maxDelayMillis, pollMillis, Precision.FLOAT32);
    }

    public InferenceSettings {
        java.util.Objects.requireNonNull(modelLocation, "modelLocation");
        java.util.Objects.requireNonNull(precision, "precision");
        if (topK < 1 || intraOpThreads < 0 || batchSize < 1 || maxDelayMillis < 0 || pollMillis < 0) {
            throw new IllegalArgumentException("inference settings out of range: top-k " + topK + ", intra-op threads "
                    + intraOpThreads + ", batch size " + batchSize + ", max delay " + maxDelayMillis + " ms, poll "
                    + pollMillis + " ms");
        }
    }
}
