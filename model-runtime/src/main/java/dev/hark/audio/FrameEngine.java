package dev.hark.audio;

/**
 * Computes feature frames; {@link LogMelExtractor} picks one. Implementations keep scratch buffers, so they are not
 * thread-safe. Both compute the same features to within float rounding (both are tested against torchaudio), and
 * each one's result for a frame never depends on which other frames it was computed with.
 */
interface FrameEngine {
    /**
     * Computes {@code count} frames, frame i starting at {@code signal[firstStart + i * hop]}, into
     * {@code out[outOffset + i * featuresPerFrame ..]}.
     */
    void frames(float[] signal, int firstStart, int count, float[] out, int outOffset);

    /** A short name for logs and benchmarks. */
    String name();
}
