package dev.hark.audio;

import java.util.Arrays;

/**
 * Band-limited sample-rate conversion by a rational factor L/M with a Kaiser-windowed sinc, in polyphase form.
 *
 * <p>Design, for a conversion between rates {@code a} and {@code b} with {@code n = min(a, b) / 2} (the lower
 * Nyquist frequency): passband 0 to {@value #PASSBAND_FRACTION} n, stopband from n on, attenuated by at least
 * {@value #STOPBAND_DB} dB (Kaiser beta 7.857); the 6 dB point lies midway. So when going down to 16 kHz, tones up to
 * 7 kHz keep their amplitude (ripple about 1e-4, i.e. 0.001 dB) and anything at or above 8 kHz, which would alias,
 * is suppressed by 80 dB or more. Going up, the images of the input spectrum are suppressed alike.
 *
 * <p>Streaming: {@link #process} takes any number of samples and returns exactly the output that processing the
 * concatenated input at once would give, bit for bit; the caller keeps the {@link State} between calls. Output
 * sample {@code j} sits at input position {@code j * M / L}; the signal before the first sample counts as silence.
 * Instances are immutable and thread-safe; share one per rate pair.
 */
public final class Resampler {
    public static final double PASSBAND_FRACTION = 0.875;
    public static final double STOPBAND_DB = 80.0;
    /** More phases than this means an odd rate pair; refuse rather than build a huge table. */
    public static final int MAX_PHASES = 4096;

    private final int inputRate;
    private final int outputRate;
    /** Interpolation factor L and decimation factor M, coprime. */
    private final int up;
    private final int down;
    /** Taps per phase are 2 * half; output j uses inputs floor(jM/L) - half + 1 .. floor(jM/L) + half. */
    private final int half;
    /** taps[p][t]: weight of input (i - half + 1 + t) for an output at input position i + p / L. */
    private final float[][] taps;

    public Resampler(int inputRate, int outputRate) {
        checkRate("input", inputRate);
        checkRate("output", outputRate);
        int g = gcd(inputRate, outputRate);
        this.inputRate = inputRate;
        this.outputRate = outputRate;
        this.up = outputRate / g;
        this.down = inputRate / g;
        if (up > MAX_PHASES) {
            throw new InvalidAudioException("UNSUPPORTED_SAMPLE_RATE", "converting " + inputRate + " Hz to "
                    + outputRate + " Hz needs " + up + " filter phases (at most " + MAX_PHASES
                    + "); use a common rate such as 8000, 16000, 22050, 44100 or 48000 Hz");
        }
        double nyquist = Math.min(inputRate, outputRate) / 2.0;
        double passband = PASSBAND_FRACTION * nyquist;
        double cutoff = (passband + nyquist) / 2.0 / inputRate;              // cycles per input sample
        double transition = 2 * Math.PI * (nyquist - passband) / inputRate;   // radians per input sample
        double beta = 0.1102 * (STOPBAND_DB - 8.7);
        int length = (int) Math.ceil((STOPBAND_DB - 8.0) / (2.285 * transition)) + 1;
        if (up == down) { // same rate: pass samples through untouched
            this.half = 1;
            this.taps = new float[][] {{1f, 0f}};
            return;
        }
        this.half = Math.max(1, (length + 1) / 2);
        this.taps = new float[up][2 * half];
        double i0Beta = besselI0(beta);
        for (int p = 0; p < up; p++) {
            double frac = p / (double) up;
            double sum = 0;
            double[] w = new double[2 * half];
            for (int t = 0; t < 2 * half; t++) {
                double tau = frac - (t - half + 1);                      // output position minus input position
                double x = tau / half;
                double window = Math.abs(x) >= 1 ? 0 : besselI0(beta * Math.sqrt(1 - x * x)) / i0Beta;
                w[t] = 2 * cutoff * sinc(2 * cutoff * tau) * window;
                sum += w[t];
            }
            for (int t = 0; t < 2 * half; t++) {
                taps[p][t] = (float) (w[t] / sum); // exact unity gain at DC in every phase
            }
        }
    }

    /** Per-stream progress; a POJO so a Flink operator can keep it in keyed state. */
    public static final class State {
        /** Input samples from absolute index {@link #bufferStart} on (the signal before index 0 is silence). */
        public float[] buffer = new float[0];
        public long bufferStart;
        /** Index of the next output sample. */
        public long nextOutput;

        public State() {
        }
    }

    /** A fresh state: {@code half - 1} samples of silence before the first input sample. */
    public State newState() {
        State s = new State();
        s.buffer = new float[half - 1];
        s.bufferStart = -(half - 1);
        return s;
    }

    public int inputRate() {
        return inputRate;
    }

    public int outputRate() {
        return outputRate;
    }

    /** Input samples the output lags behind: an output needs this many later inputs before it can be computed. */
    public int lookahead() {
        return half;
    }

    /** Appends {@code input} and returns every output sample that is now complete. */
    public float[] process(State state, float[] input) {
        float[] buffer = Arrays.copyOf(state.buffer, state.buffer.length + input.length);
        System.arraycopy(input, 0, buffer, state.buffer.length, input.length);
        long end = state.bufferStart + buffer.length; // one past the last input index held
        // Output j is complete when floor(j*M/L) + half < end.
        long last = Math.floorDiv((end - half - 1) * up + up - 1, down); // largest j with floor(jM/L) <= end-half-1
        int count = (int) Math.max(0, last - state.nextOutput + 1);
        float[] out = new float[count];
        long j = state.nextOutput;
        for (int n = 0; n < count; n++, j++) {
            long position = j * down;
            long i = Math.floorDiv(position, up);
            float[] h = taps[(int) (position - i * up)];
            int from = (int) (i - half + 1 - state.bufferStart);
            float acc = 0f;
            for (int t = 0; t < h.length; t++) {
                acc += buffer[from + t] * h[t];
            }
            out[n] = acc;
        }
        state.nextOutput = j;
        long keepFrom = Math.floorDiv(j * down, up) - half + 1; // first input the next output needs
        int drop = (int) Math.max(0, Math.min(buffer.length, keepFrom - state.bufferStart));
        state.buffer = Arrays.copyOfRange(buffer, drop, buffer.length);
        state.bufferStart += drop;
        return out;
    }

    /** Ends the stream: pads with silence so that every output at a position before the input's end is produced. */
    public float[] flush(State state) {
        long end = state.bufferStart + state.buffer.length;
        long wanted = Math.floorDiv(end * up + down - 1, down); // outputs at positions < end: N * L / M rounded up
        float[] tail = process(state, new float[half]);
        int keep = (int) Math.max(0, Math.min(tail.length, wanted - (state.nextOutput - tail.length)));
        return Arrays.copyOf(tail, keep);
    }

    /** Converts a whole signal at once (same result as streaming it and flushing). */
    public float[] resample(float[] input) {
        State state = newState();
        float[] body = process(state, input);
        float[] tail = flush(state);
        float[] out = Arrays.copyOf(body, body.length + tail.length);
        System.arraycopy(tail, 0, out, body.length, tail.length);
        return out;
    }

    static void checkRate(String what, int rate) {
        if (rate < 1000 || rate > 384_000) {
            throw new InvalidAudioException("BAD_SAMPLE_RATE", what + " sample rate " + rate
                    + " Hz is outside [1000, 384000] Hz");
        }
    }

    private static double sinc(double x) {
        return x == 0 ? 1.0 : Math.sin(Math.PI * x) / (Math.PI * x);
    }

    /** Modified Bessel function of the first kind, order 0 (power series). */
    private static double besselI0(double x) {
        double sum = 1;
        double term = 1;
        double q = x * x / 4;
        for (int k = 1; k < 60; k++) {
            term *= q / ((double) k * k);
            sum += term;
            if (term < 1e-17 * sum) {
                break;
            }
        }
        return sum;
    }

    private static int gcd(int a, int b) {
        return b == 0 ? a : gcd(b, a % b);
    }
}
