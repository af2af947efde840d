package dev.hark.audio;

import java.util.Arrays;

/**
 * Cuts log-mel frames from audio that arrives in pieces of any size, exactly as if the whole signal had been
 * processed at once. Stateless between calls: the caller keeps the carry (samples not yet fully framed), so a
 * Flink operator can hold it in keyed state.
 */
public final class StreamingFramer {
    private final LogMelExtractor extractor;

    public StreamingFramer(LogMelExtractor extractor) {
        this.extractor = extractor;
    }

    /** Frames cut from one piece of audio, plus the samples to carry into the next call. */
    public record Advance(float[] frames, int frameCount, float[] carry) {
    }

    /**
     * @param carry   the previous call's carry (empty for a new stream)
     * @param samples the next samples of the stream
     */
    public Advance advance(float[] carry, float[] samples) {
        FeatureSpec spec = extractor.spec();
        float[] signal;
        if (carry.length == 0) {
            signal = samples;
        } else {
            signal = Arrays.copyOf(carry, carry.length + samples.length);
            System.arraycopy(samples, 0, signal, carry.length, samples.length);
        }
        int frames = spec.frameCount(signal.length);
        float[] out = new float[frames * spec.featuresPerFrame()];
        extractor.frames(signal, 0, frames, out, 0);
        int consumed = frames * spec.hopLength();
        float[] nextCarry = Arrays.copyOfRange(signal, consumed, signal.length);
        return new Advance(out, frames, nextCarry);
    }
}
