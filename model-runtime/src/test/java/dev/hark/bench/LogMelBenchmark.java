package dev.hark.bench;

import dev.hark.audio.FeatureSpec;
import dev.hark.audio.LogMelExtractor;
import dev.hark.audio.StreamingFramer;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Log-mel throughput on one thread, in operations per second where one operation is one second of 16 kHz audio,
 * so the score reads directly as audio-seconds per second. Run with {@code bin/bench}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g", "--add-modules=jdk.incubator.vector"})
public class LogMelBenchmark {
    /** Which engine: the SIMD one (Vector API) or the portable scalar one (JTransforms). */
    @Param({"true", "false"})
    public String simd;

    private final FeatureSpec spec = FeatureSpec.DEFAULT;
    private LogMelExtractor extractor;
    private StreamingFramer framer;
    private float[] second;
    private float[] tenSeconds;
    private float[] tenSecondsOut;
    private float[] chunk;
    private float[] carry;
    private float[] out;

    @Setup
    public void setUp() {
        extractor = new LogMelExtractor(spec, simd);
        framer = new StreamingFramer(extractor);
        Random random = new Random(1);
        second = new float[spec.sampleRate()];
        for (int i = 0; i < second.length; i++) {
            second[i] = (float) (0.3 * Math.sin(i * 0.07) + 0.05 * random.nextGaussian());
        }
        tenSeconds = new float[10 * spec.sampleRate()];
        for (int i = 0; i < tenSeconds.length; i++) {
            tenSeconds[i] = second[i % second.length];
        }
        tenSecondsOut = new float[spec.frameCount(tenSeconds.length) * spec.nMels()];
        chunk = new float[spec.sampleRate() / 10];
        System.arraycopy(second, 0, chunk, 0, chunk.length);
        carry = new float[0];
        out = new float[spec.frameCount(second.length) * spec.nMels()];
    }

    /** A 1 s window on its own: 97 frames. */
    @Benchmark
    public float[] oneSecondWindow() {
        extractor.frames(second, 0, spec.frameCount(second.length), out, 0);
        return out;
    }

    /**
     * A continuous stream: 10 s framed at once (998 frames, a frame every 10 ms). Scored in audio-seconds per
     * second like the others: one op is 10 s of audio, so the score is multiplied by 10 in BENCHMARKS.md.
     */
    @Benchmark
    public float[] continuousStreamTenSeconds() {
        extractor.frames(tenSeconds, 0, spec.frameCount(tenSeconds.length), tenSecondsOut, 0);
        return tenSecondsOut;
    }

    /** A stream pushed in 100 ms chunks through {@link StreamingFramer}, as the job does: ten chunks per op. */
    @Benchmark
    public float[] streamIn100msChunks() {
        float[] last = null;
        for (int c = 0; c < 10; c++) {
            StreamingFramer.Advance a = framer.advance(carry, chunk);
            carry = a.carry();
            last = a.frames();
        }
        return last;
    }
}
