package dev.hark.data;

import dev.hark.audio.Resampler;
import java.util.Random;

/**
 * A narrowband telephone line, applied to audio at the model's rate: sampled at 8 kHz (hark's own
 * {@link Resampler} down and back up, so nothing above 4 kHz survives, exactly as a real 8 kHz recording looks once the
 * front end has resampled it), a high-pass of the handset and line (second-order Butterworth), and optionally G.711
 * style mu-law companding (mu = 255, 8 bits: the continuous curve, not G.711's segments), whose quantisation noise
 * follows the signal's level.
 *
 * <p>Training puts words of every label through it, so that "sounds like a phone" says nothing about the label; the
 * recorded speech added to {@code _unknown_} is mostly 8 kHz telephone prompts. Immutable and thread-safe.
 */
public final class TelephoneChannel {
    /** The line's sample rate. */
    public static final int LINE_RATE = 8000;
    /** The high-pass {@link #apply(float[])} uses: the 300 Hz lower edge of the G.712 voice band. */
    public static final double VOICE_BAND_LOW_HZ = 300;
    private static final double MU = 255;
    private static final int MU_LAW_LEVELS_PER_SIGN = 127;

    private final int sampleRate;
    private final Resampler down;
    private final Resampler up;

    /** A line heard from audio at {@code sampleRate} (above 8000 Hz), and back at that rate. */
    public TelephoneChannel(int sampleRate) {
        if (sampleRate <= LINE_RATE) {
            throw new IllegalArgumentException("a telephone channel narrows audio to " + LINE_RATE
                    + " Hz; audio at " + sampleRate + " Hz is already that narrow");
        }
        this.sampleRate = sampleRate;
        this.down = new Resampler(sampleRate, LINE_RATE);
        this.up = new Resampler(LINE_RATE, sampleRate);
    }

    public int sampleRate() {
        return sampleRate;
    }

    /** The standard line: the 300 Hz voice-band edge and mu-law, as {@code bin/hark evaluate --telephone} hears it. */
    public float[] apply(float[] audio) {
        return apply(audio, VOICE_BAND_LOW_HZ, true);
    }

    /** A random line: a high-pass at 100-400 Hz, mu-law on half of calls (the rest linear 16-bit, as a VoIP line). */
    public float[] apply(float[] audio, Random random) {
        double highPass = 100 + random.nextDouble() * 300;
        boolean muLaw = random.nextBoolean();
        return apply(audio, highPass, muLaw);
    }

    /** {@code audio} through the line, as many samples as it had. */
    public float[] apply(float[] audio, double highPassHz, boolean muLaw) {
        if (!(highPassHz > 0 && highPassHz < LINE_RATE / 2.0)) {
            throw new IllegalArgumentException("high-pass must be between 0 and " + LINE_RATE / 2 + " Hz, got "
                    + highPassHz);
        }
        float[] line = down.resample(audio);
        highPass(line, highPassHz);
        if (muLaw) {
            for (int i = 0; i < line.length; i++) {
                line[i] = muLaw(line[i]);
            }
        }
        float[] back = up.resample(line);
        float[] out = new float[audio.length];
        System.arraycopy(back, 0, out, 0, Math.min(back.length, out.length));
        return out;
    }

    /** One sample through an 8-bit mu-law encoder and decoder (clipped to [-1, 1]). */
    static float muLaw(float x) {
        double magnitude = Math.min(1.0, Math.abs(x));
        double compressed = Math.log1p(MU * magnitude) / Math.log1p(MU);
        double level = Math.round(compressed * MU_LAW_LEVELS_PER_SIGN) / (double) MU_LAW_LEVELS_PER_SIGN;
        double expanded = Math.expm1(level * Math.log1p(MU)) / MU;
        return (float) Math.copySign(expanded, x);
    }

    /** Second-order Butterworth high-pass at the line rate (RBJ cookbook biquad, Q = 1/sqrt 2), in place. */
    private static void highPass(float[] x, double cutoffHz) {
        double w0 = 2 * Math.PI * cutoffHz / LINE_RATE;
        double alpha = Math.sin(w0) / Math.sqrt(2);
        double cos = Math.cos(w0);
        double a0 = 1 + alpha;
        double b0 = (1 + cos) / 2 / a0;
        double b1 = -(1 + cos) / a0;
        double b2 = b0;
        double a1 = -2 * cos / a0;
        double a2 = (1 - alpha) / a0;
        double x1 = 0;
        double x2 = 0;
        double y1 = 0;
        double y2 = 0;
        for (int i = 0; i < x.length; i++) {
            double in = x[i];
            double y = b0 * in + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2;
            x2 = x1;
            x1 = in;
            y2 = y1;
            y1 = y;
            x[i] = (float) y;
        }
    }
}
