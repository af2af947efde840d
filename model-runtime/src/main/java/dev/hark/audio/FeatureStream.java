package dev.hark.audio;

import java.util.HashMap;
import java.util.Map;

/**
 * The front end for one stream, as the job runs it and as {@code bin/hark features} runs it offline: mono samples
 * at any supported rate in, resampled to the spec's rate, framed exactly as the whole signal would be. Stateless
 * between calls apart from caches: the caller keeps a {@link State} per stream. Not thread-safe.
 */
public final class FeatureStream {
    private final FeatureSpec spec;
    private final StreamingFramer framer;
    private final Map<Integer, Resampler> resamplers = new HashMap<>();

    public FeatureStream(FeatureSpec spec) {
        this.spec = spec;
        this.framer = new StreamingFramer(new LogMelExtractor(spec));
    }

    public FeatureSpec spec() {
        return spec;
    }

    /** Per-stream progress; a POJO so a Flink operator can keep it in keyed state. */
    public static final class State {
        /** Rate of the input so far (0 before the first samples). */
        public int inputRate;
        /** Resampler progress, or null while the input is at the spec's rate. */
        public Resampler.State resampler;
        /** Samples at the spec's rate not yet fully framed. */
        public float[] carry = new float[0];

        public State() {
        }
    }

    /** The resampler from {@code rate} to the spec's rate; throws {@link InvalidAudioException} for rates it cannot take. */
    public Resampler resamplerFrom(int rate) {
        return resamplers.computeIfAbsent(rate, r -> new Resampler(r, spec.sampleRate()));
    }

    /**
     * Runs {@code seconds} of noise through the front end in 100 ms chunks, as a stream would arrive, and discards the
     * frames: the JIT compiles the framing, FFT and mel code before real streams need it, rather than while a
     * backlog of hundreds of streams builds up behind the interpreter.
     *
     * @return the frames computed (all discarded)
     */
    public long warmUp(double seconds) {
        int rate = spec.sampleRate();
        float[] chunk = new float[Math.max(1, rate / 10)];
        java.util.SplittableRandom noise = new java.util.SplittableRandom(42);
        State throwaway = new State();
        long frames = 0;
        for (long sent = 0; sent < seconds * rate; sent += chunk.length) {
            for (int i = 0; i < chunk.length; i++) {
                chunk[i] = (float) (noise.nextDouble() * 0.2 - 0.1);
            }
            frames += advance(throwaway, chunk, rate).frameCount();
        }
        return frames;
    }

    /**
     * Adds samples recorded at {@code rate}. A change of rate mid-stream ends the old resampler (its tail is framed)
     * and starts a new one, so the timeline stays continuous.
     */
    public StreamingFramer.Advance advance(State state, float[] samples, int rate) {
        StreamingFramer.Advance advance = framer.advance(state.carry, atSpecRate(state, samples, rate));
        state.carry = advance.carry();
        return advance;
    }

    /**
     * Adds samples recorded at {@code rate} and returns them at the spec's rate, unframed: the front end of waveform
     * models. Rate changes are handled as in {@link #advance}.
     */
    public float[] atSpecRate(State state, float[] samples, int rate) {
        float[] atSpecRate;
        if (rate == spec.sampleRate()) {
            float[] tail = state.inputRate != rate ? drainResampler(state) : new float[0];
            atSpecRate = tail.length == 0 ? samples : concat(tail, samples);
        } else {
            Resampler resampler = resamplerFrom(rate);
            float[] tail = new float[0];
            if (state.inputRate != rate) {
                tail = drainResampler(state);
                state.resampler = resampler.newState();
            }
            float[] converted = resampler.process(state.resampler, samples);
            atSpecRate = tail.length == 0 ? converted : concat(tail, converted);
        }
        state.inputRate = rate;
        return atSpecRate;
    }

    /** Ends a stream read with {@link #atSpecRate}: what the resampler still holds. */
    public float[] finishAtSpecRate(State state) {
        return drainResampler(state);
    }

    /** Ends the stream: frames what the resampler still holds. Samples short of a whole frame are dropped. */
    public StreamingFramer.Advance finish(State state) {
        StreamingFramer.Advance advance = framer.advance(state.carry, drainResampler(state));
        state.carry = advance.carry();
        return advance;
    }

    /** Whole-signal convenience: every frame of {@code samples} at {@code rate}, flattened [frames][featuresPerFrame]. */
    public float[] extractAll(float[] samples, int rate) {
        State state = new State();
        StreamingFramer.Advance body = advance(state, samples, rate);
        StreamingFramer.Advance tail = finish(state);
        return concat(body.frames(), tail.frames());
    }

    private float[] drainResampler(State state) {
        if (state.resampler == null) {
            return new float[0];
        }
        float[] tail = resamplerFrom(state.inputRate).flush(state.resampler);
        state.resampler = null;
        return tail;
    }

    private static float[] concat(float[] a, float[] b) {
        float[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
