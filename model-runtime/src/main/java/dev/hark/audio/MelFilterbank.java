package dev.hark.audio;

/**
 * Triangular mel filterbank as torchaudio's {@code melscale_fbanks}, stored sparsely: a band's non-zero weights
 * cover a contiguous run of FFT bins, and each bin feeds at most two bands (468 non-zero weights of 10,280 for
 * the default 257 x 40 bank).
 */
public final class MelFilterbank {
    private final double[][] dense;
    private final int[] bandStart;
    private final float[][] bandWeights;

    public MelFilterbank(FeatureSpec spec) {
        this.dense = denseWeights(spec);
        int bins = spec.bins();
        int nMels = spec.nMels();
        this.bandStart = new int[nMels];
        this.bandWeights = new float[nMels][];
        for (int m = 0; m < nMels; m++) {
            int first = -1;
            int last = -1;
            for (int k = 0; k < bins; k++) {
                if (dense[k][m] != 0.0) {
                    if (first < 0) {
                        first = k;
                    }
                    last = k;
                }
            }
            if (first < 0) { // a band too narrow to catch any bin: it stays zero
                bandWeights[m] = new float[0];
                continue;
            }
            bandStart[m] = first;
            bandWeights[m] = new float[last - first + 1];
            for (int k = first; k <= last; k++) {
                bandWeights[m][k - first] = (float) dense[k][m];
            }
        }
    }

    /** The dense weights fb[bin][band] in double precision, as torchaudio computes them. */
    public static double[][] denseWeights(FeatureSpec spec) {
        int bins = spec.bins();
        int nMels = spec.nMels();
        MelScale scale = spec.melScale();
        double melMin = scale.hzToMel(spec.fMin());
        double melMax = scale.hzToMel(spec.fMax());
        double[] fPts = new double[nMels + 2];
        for (int i = 0; i < fPts.length; i++) {
            fPts[i] = scale.melToHz(melMin + (melMax - melMin) * i / (nMels + 1));
        }
        double[][] fb = new double[bins][nMels];
        double nyquist = spec.sampleRate() / 2.0;
        for (int k = 0; k < bins; k++) {
            double f = nyquist * k / (bins - 1);
            for (int m = 0; m < nMels; m++) {
                double down = (f - fPts[m]) / (fPts[m + 1] - fPts[m]);
                double up = (fPts[m + 2] - f) / (fPts[m + 2] - fPts[m + 1]);
                double w = Math.max(0.0, Math.min(down, up));
                if (spec.melNorm() == MelNorm.SLANEY) {
                    w *= 2.0 / (fPts[m + 2] - fPts[m]);
                }
                fb[k][m] = w;
            }
        }
        return fb;
    }

    /** {@code mel[m] = sum_k power[k] * fb[k][m]}, band by band over each band's own bins. */
    public void apply(float[] power, float[] mel) {
        for (int m = 0; m < bandWeights.length; m++) {
            float[] w = bandWeights[m];
            int k0 = bandStart[m];
            float acc = 0f;
            for (int j = 0; j < w.length; j++) {
                acc += power[k0 + j] * w[j];
            }
            mel[m] = acc;
        }
    }

    public double weight(int bin, int band) {
        return dense[bin][band];
    }

    /** First FFT bin of {@code band}'s non-zero weights. */
    public int bandStart(int band) {
        return bandStart[band];
    }

    /** The non-zero weights of {@code band}, from {@link #bandStart(int)} on (a copy). */
    public float[] bandWeights(int band) {
        return bandWeights[band].clone();
    }
}
