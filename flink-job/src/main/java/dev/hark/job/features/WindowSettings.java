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

    /** More than the resampler keeps between chunks at any supported rate (its filter's history). */
    static final int RESAMPLER_HISTORY_SAMPLES = 4096;

    /**
     * An upper bound on the windower's state for one stream: the frames (or samples) of the window being filled,
     * the framer's carry (under one FFT), the resampler's history, and the fields and gap list around them.
     */
    public long maxStateBytesPerStream() {
        long windowValues = input == ModelContract.InputKind.WAVEFORM ? features.samplesForFrames(windowFrames)
                : (long) windowFrames * features.featuresPerFrame();
        return 4 * (windowValues + features.nFft() + RESAMPLER_HISTORY_SAMPLES) + 1024;
    }

    /**
     * How many windows the job predicts for a stream of {@code samples} samples at the model's rate that ends with an
     * end-of-stream chunk; one that goes silent instead has its last window completed only by a later chunk.
     */
    public int windowCount(long samples) {
        long frames = features.frameCount(samples);
        return frames < windowFrames ? 0 : (int) ((frames - windowFrames) / hopFrames + 1);
    }

    /** {@code hopMillis} in frames of the front end, rounded (0 where it is under half a frame). */
    public static int hopFrames(FeatureSpec features, long hopMillis) {
        return (int) Math.round(hopMillis / 1000.0 * features.sampleRate() / features.hopLength());
    }

    /** Log-mel windows of the contract's length. */
    public static WindowSettings of(ModelContract contract, int hopFrames, long streamIdleMillis) {
        return new WindowSettings(contract.features(), contract.inputKind(), contract.windowFrames(), hopFrames,
                streamIdleMillis);
    }
}
