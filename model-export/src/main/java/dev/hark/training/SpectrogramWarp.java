package dev.hark.training;

import dev.hark.audio.FeatureSpec;
import java.util.Random;

/**
 * Training augmentation on a log-mel window, where it costs almost nothing: vocal-tract length perturbation
 * (VTLP, Jaitly and Hinton 2013), every band read from the frequency {@code f / alpha}, which moves formants by the
 * factor alpha as a shorter or longer vocal tract would; and a time stretch about the window's middle (faster or
 * slower speech). Both interpolate linearly and hold the edge values beyond the window.
 */
final class SpectrogramWarp {
    private final int bands;
    /** Centre frequency (Hz) of each mel band. */
    private final double[] centres;

    SpectrogramWarp(FeatureSpec spec) {
        this.bands = spec.nMels();
        this.centres = new double[bands];
        double low = spec.melScale().hzToMel(spec.fMin());
        double high = spec.melScale().hzToMel(spec.fMax());
        for (int m = 0; m < bands; m++) {
            centres[m] = spec.melScale().melToHz(low + (high - low) * (m + 1) / (bands + 1));
        }
    }

    /** Frequency warp of every frame of {@code frames} ({@code count} frames of {@link #bands} values) in place. */
    void warpFrequency(float[] frames, int count, double alpha) {
        double[] source = new double[bands];
        for (int m = 0; m < bands; m++) {
            source[m] = bandPosition(centres[m] / alpha);
        }
        float[] row = new float[bands];
        for (int f = 0; f < count; f++) {
            int base = f * bands;
            System.arraycopy(frames, base, row, 0, bands);
            for (int m = 0; m < bands; m++) {
                frames[base + m] = interpolate(row, source[m]);
            }
        }
    }

    /** Time stretch by {@code rate} (above 1: faster) about the middle frame, in place. */
    void stretchTime(float[] frames, int count, double rate) {
        float[] copy = frames.clone();
        double middle = (count - 1) / 2.0;
        for (int f = 0; f < count; f++) {
            double position = Math.max(0, Math.min(count - 1, middle + (f - middle) * rate));
            int below = (int) Math.floor(position);
            int above = Math.min(count - 1, below + 1);
            float weight = (float) (position - below);
            for (int m = 0; m < bands; m++) {
                frames[f * bands + m] = copy[below * bands + m] * (1 - weight) + copy[above * bands + m] * weight;
            }
        }
    }

    /**
     * A channel that passes nothing above {@code cutoffHz} (a phone, an 8 kHz recording): bands centred above it lose
     * {@code attenuation} (natural-log power units), more the further above they are, noise included.
     */
    void limitBand(float[] frames, int count, double cutoffHz, double attenuation) {
        for (int m = 0; m < bands; m++) {
            if (centres[m] > cutoffHz) {
                float loss = (float) (attenuation * Math.min(1, (centres[m] - cutoffHz) / (0.1 * cutoffHz)));
                for (int f = 0; f < count; f++) {
                    frames[f * bands + m] -= loss;
                }
            }
        }
    }

    /** A random VTLP factor and tempo, then both warps; a band limit on a sixth of windows. */
    void apply(float[] frames, int count, Random random) {
        warpFrequency(frames, count, 0.88 + random.nextDouble() * 0.24);
        stretchTime(frames, count, Math.exp((random.nextDouble() - 0.5) * 2 * Math.log(1.25)));
        if (random.nextDouble() < 1 / 6.0) {
            limitBand(frames, count, 3400 + random.nextDouble() * 3600, 8 + random.nextDouble() * 12);
        }
    }

    /** The fractional band index whose centre is {@code hz}, held at the edges. */
    private double bandPosition(double hz) {
        if (hz <= centres[0]) {
            return 0;
        }
        if (hz >= centres[bands - 1]) {
            return bands - 1;
        }
        int m = 0;
        while (centres[m + 1] < hz) {
            m++;
        }
        return m + (hz - centres[m]) / (centres[m + 1] - centres[m]);
    }

    private static float interpolate(float[] row, double position) {
        int below = (int) Math.floor(position);
        int above = Math.min(row.length - 1, below + 1);
        float weight = (float) (position - below);
        return row[below] * (1 - weight) + row[above] * weight;
    }
}
