package dev.hark.audio;

/**
 * Triangular mel filterbank as torchaudio's {@code melscale_fbanks}, stored sparsely: each FFT bin feeds at most
 * two adjacent mel bands, so a bin keeps its first band and the two weights (band, band + 1).
 */
public final class MelFilterbank {
    private final int bins;
    private final int nMels;
    /** First band fed by bin k, or -1 if the bin feeds none. */
    private final int[] firstBand;
    private final float[] weightFirst;
    private final float[] weightSecond;
    private final double[][] dense;

    public MelFilterbank(FeatureSpec spec) {
        this.bins = spec.bins();
        this.nMels = spec.nMels();
        this.dense = denseWeights(spec);
        this.firstBand = new int[bins];
        this.weightFirst = new float[bins];
        this.weightSecond = new float[bins];
        for (int k = 0; k < bins; k++) {
            firstBand[k] = -1;
            int nonZero = 0;
            for (int m = 0; m < nMels; m++) {
                if (dense[k][m] != 0.0) {
                    if (nonZero == 0) {
                        firstBand[k] = m;
                        weightFirst[k] = (float) dense[k][m];
                    } else if (nonZero == 1 && m == firstBand[k] + 1) {
                        weightSecond[k] = (float) dense[k][m];
                    } else {
                        throw new IllegalStateException("bin " + k + " feeds more than two adjacent mel bands");
                    }
                    nonZero++;
                }
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

    /** Accumulates {@code mel[m] = sum_k power[k] * fb[k][m]} into {@code mel} (overwritten). */
    public void apply(float[] power, float[] mel) {
        java.util.Arrays.fill(mel, 0, nMels, 0f);
        for (int k = 0; k < bins; k++) {
            int m = firstBand[k];
            if (m >= 0) {
                float p = power[k];
                mel[m] += p * weightFirst[k];
                if (m + 1 < nMels) {
                    mel[m + 1] += p * weightSecond[k];
                }
            }
        }
    }

    public double weight(int bin, int band) {
        return dense[bin][band];
    }
}
