package dev.hark.bench;

import dev.hark.audio.FastLog;
import dev.hark.audio.FeatureSpec;
import dev.hark.audio.MelFilterbank;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.jtransforms.fft.FloatFFT_1D;
import org.openjdk.jmh.annotations.*;

/** Nanoseconds per frame of the scalar engine's parts (JTransforms FFT, mel sum, logarithms): where time goes. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class PartsBenchmark {
    FloatFFT_1D fft = new FloatFFT_1D(512);
    float[] buf = new float[512];
    float[] src = new float[512];
    float[] power = new float[257];
    float[] mel = new float[40];
    MelFilterbank fb = new MelFilterbank(FeatureSpec.DEFAULT);

    @Setup
    public void setUp() {
        Random r = new Random(1);
        for (int i = 0; i < 512; i++) {
            src[i] = (float) r.nextGaussian();
        }
        for (int i = 0; i < 257; i++) {
            power[i] = (float) Math.abs(r.nextGaussian());
        }
    }

    @Benchmark
    public float[] fft() {
        System.arraycopy(src, 0, buf, 0, 512);
        fft.realForward(buf);
        return buf;
    }

    @Benchmark
    public float[] melApply() {
        fb.apply(power, mel);
        return mel;
    }

    @Benchmark
    public float logs() {
        float s = 0;
        for (int m = 0; m < 40; m++) {
            s += FastLog.ln(power[m] + 1e-6f);
        }
        return s;
    }

    @Benchmark
    public float mathLogs() {
        float s = 0;
        for (int m = 0; m < 40; m++) {
            s += (float) Math.log(power[m] + 1e-6f);
        }
        return s;
    }
}
