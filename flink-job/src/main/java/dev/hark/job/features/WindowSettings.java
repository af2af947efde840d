package dev.hark.job.features;

import dev.hark.audio.FeatureSpec;
import dev.hark.model.ModelContract;
import java.io.Serializable;

/**
 * The windows the model scores.
 *
 * @param features         the model's front end
 * @param input            log-mel frames, or the samples themselves (waveform models)
 * @param windowFrames     frames per window (for waveform models: the samples those frames span)
 * @param hopFrames        frames between window starts
 * @param streamIdleMillis a stream without chunks for this long (processing time) has its state freed
 */
public record WindowSettings(FeatureSpec features, ModelContract.InputKind input, int windowFrames, int hopFrames,
                             long streamIdleMillis) implements Serializable {
    public WindowSettings {
        if (windowFrames < 1 || hopFrames < 1) {
            throw new IllegalArgumentException("windows need at least one frame and a hop of one frame, got "
                    + windowFrames + " and " + hopFrames);
        }
    }

    /** Log-mel windows of the contract's length. */
    public static WindowSettings of(ModelContract contract, int hopFrames, long streamIdleMillis) {
        return new WindowSettings(contract.features(), contract.inputKind(), contract.windowFrames(), hopFrames,
                streamIdleMillis);
    }
}
