package dev.hark.audio;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * Immutable parameters of the log-mel front end. Serialized into the model contract, so the job computes
 * exactly the features the model was trained on.
 *
 * <p>Frame {@code i} covers samples {@code [hop*i, hop*i + nFft)}; the {@code winLength}-point periodic Hann
 * window sits centred in it (torch's {@code center=False} convention). Each frame is {@code ln(mel + logOffset)}
 * of the power spectrum, or, when {@code nMfcc > 0}, the first {@code nMfcc} coefficients of the orthonormal DCT-II
 * of those values (note: torchaudio's MFCC transform applies its DCT to dB-scaled mel instead).
 */
public record FeatureSpec(
        int sampleRate,
        int nFft,
        int winLength,
        int hopLength,
        int nMels,
        double fMin,
        double fMax,
        MelScale melScale,
        MelNorm melNorm,
        double logOffset,
        int nMfcc) implements java.io.Serializable {

    /** 16 kHz, 512-point FFT, 25 ms window, 10 ms hop, 40 HTK bands from 20 to 7600 Hz, ln(mel + 1e-6). */
    public static final FeatureSpec DEFAULT =
            new FeatureSpec(16000, 512, 400, 160, 40, 20.0, 7600.0, MelScale.HTK, MelNorm.NONE, 1e-6, 0);

    public FeatureSpec {
        require(sampleRate >= 1000 && sampleRate <= 384_000, "sampleRate must be in [1000, 384000] Hz, got " + sampleRate);
        require(nFft >= 16 && Integer.bitCount(nFft) == 1, "nFft must be a power of two >= 16, got " + nFft);
        require(winLength > 0 && winLength <= nFft, "winLength must be in [1, nFft=" + nFft + "], got " + winLength);
        require(hopLength > 0, "hopLength must be positive, got " + hopLength);
        require(nMels > 0 && nMels <= nFft / 2 + 1, "nMels must be in [1, nFft/2+1], got " + nMels);
        require(fMin >= 0 && fMin < fMax, "need 0 <= fMin < fMax, got fMin=" + fMin + " fMax=" + fMax);
        require(fMax <= sampleRate / 2.0, "fMax must not exceed the Nyquist frequency " + sampleRate / 2.0 + ", got " + fMax);
        require(melScale != null && melNorm != null, "melScale and melNorm are required");
        require(logOffset > 0, "logOffset must be positive, got " + logOffset);
        require(nMfcc >= 0 && nMfcc <= nMels, "nMfcc must be 0 (log-mel output) or in [1, nMels=" + nMels + "], got " + nMfcc);
    }

    /** The same spec with MFCC output: the first {@code n} DCT-II (orthonormal) coefficients of each log-mel frame. */
    public FeatureSpec withMfcc(int n) {
        return new FeatureSpec(sampleRate, nFft, winLength, hopLength, nMels, fMin, fMax, melScale, melNorm, logOffset, n);
    }

    /** Values per frame: {@code nMfcc} if set, else {@code nMels}. */
    @JsonIgnore
    public int featuresPerFrame() {
        return nMfcc > 0 ? nMfcc : nMels;
    }

    /** Number of spectrum bins of a real FFT of nFft points. */
    @JsonIgnore
    public int bins() {
        return nFft / 2 + 1;
    }

    /** Frames produced by {@code samples} samples: {@code (samples - nFft) / hop + 1}, or 0 if too short. */
    public int frameCount(long samples) {
        return samples < nFft ? 0 : (int) ((samples - nFft) / hopLength + 1);
    }

    /** Samples needed to produce {@code frames} frames. */
    public long samplesForFrames(int frames) {
        return frames <= 0 ? 0 : (long) (frames - 1) * hopLength + nFft;
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
