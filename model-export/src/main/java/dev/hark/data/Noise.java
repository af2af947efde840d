package dev.hark.data;

import java.util.Random;

/** Background noise generators and mixing helpers for synthesized data. */
public final class Noise {
    private Noise() {
    }

    /** Colours of noise the generator makes. */
    public enum Colour { WHITE, PINK, BROWN }

    /** Noise of the given colour with RMS {@code rms}. */
    public static float[] generate(Colour colour, int length, double rms, Random random) {
        float[] x = new float[length];
        double b0 = 0, b1 = 0, b2 = 0, brown = 0;
        for (int i = 0; i < length; i++) {
            double white = random.nextGaussian();
            double v;
            switch (colour) {
                case PINK -> { // Paul Kellet's economy pink filter
                    b0 = 0.99765 * b0 + white * 0.0990460;
                    b1 = 0.96300 * b1 + white * 0.2965164;
                    b2 = 0.57000 * b2 + white * 1.0526913;
                    v = b0 + b1 + b2 + white * 0.1848;
                }
                case BROWN -> {
                    brown = 0.995 * brown + white * 0.1;
                    v = brown;
                }
                default -> v = white;
            }
            x[i] = (float) v;
        }
        return scaleToRms(x, rms);
    }

    public static double rms(float[] x) {
        double sum = 0;
        for (float v : x) {
            sum += (double) v * v;
        }
        return x.length == 0 ? 0 : Math.sqrt(sum / x.length);
    }

    public static float[] scaleToRms(float[] x, double targetRms) {
        double current = rms(x);
        if (current > 0) {
            float gain = (float) (targetRms / current);
            for (int i = 0; i < x.length; i++) {
                x[i] *= gain;
            }
        }
        return x;
    }

    /**
     * A noise recording with its RMS, computed once: training mixes each 20-60 s recording into thousands of
     * one-second clips, and summing its squares every time took half of the batch thread's CPU.
     */
    public record Bed(float[] samples, double rms) {
        public static Bed of(float[] samples) {
            return new Bed(samples, Noise.rms(samples));
        }
    }

    /** Adds {@code noise} (cycled if shorter) to {@code signal} in place, scaled to the given SNR in dB. */
    public static void mixAtSnr(float[] signal, float[] noise, double snrDb, int noiseOffset) {
        mixAtSnr(signal, Bed.of(noise), snrDb, noiseOffset);
    }

    /** As {@link #mixAtSnr(float[], float[], double, int)}, with the noise's RMS known. */
    public static void mixAtSnr(float[] signal, Bed noiseBed, double snrDb, int noiseOffset) {
        float[] noise = noiseBed.samples();
        double signalRms = rms(signal);
        double noiseRms = noiseBed.rms();
        if (signalRms == 0 || noiseRms == 0) {
            return;
        }
        double gain = signalRms / (noiseRms * Math.pow(10, snrDb / 20));
        for (int i = 0; i < signal.length; i++) {
            signal[i] += (float) (gain * noise[(noiseOffset + i) % noise.length]);
        }
    }
}
