package dev.hark.audio;

/**
 * Log-mel (or MFCC) frames from mono float samples: the one implementation that training and serving share.
 *
 * <p>The window, the sparse filterbank and the FFT plan are computed once and scratch buffers are reused, so an
 * instance is not thread-safe: use one per thread (one per Flink subtask). Frames are computed by a SIMD engine
 * (several frames per instruction, with the JDK's Vector API) when the JVM runs with
 * {@code --add-modules jdk.incubator.vector}, else by a portable scalar engine; {@code -Dhark.frontend.simd=false}
 * forces the scalar one. Both match torchaudio within the tolerances in golden/README.md.
 */
public final class LogMelExtractor {
    /** System property: {@code auto} (default), {@code true} (require SIMD) or {@code false}. */
    public static final String SIMD_PROPERTY = "hark.frontend.simd";

    private final FeatureSpec spec;
    private final FrameEngine engine;

    public LogMelExtractor(FeatureSpec spec) {
        this(spec, System.getProperty(SIMD_PROPERTY, "auto"));
    }

    /** @param simd {@code auto}, {@code true} or {@code false}, as {@link #SIMD_PROPERTY} */
    public LogMelExtractor(FeatureSpec spec, String simd) {
        this.spec = spec;
        float[][] dct = spec.nMfcc() > 0 ? dctOrtho(spec.nMfcc(), spec.nMels()) : null;
        this.engine = switch (simd) {
            case "false" -> new ScalarFrameEngine(spec, dct);
            case "true" -> {
                FrameEngine simdEngine = simdEngine(spec, dct);
                if (simdEngine == null) {
                    throw new IllegalStateException(SIMD_PROPERTY + "=true but the Vector API is not available;"
                            + " start the JVM with --add-modules jdk.incubator.vector");
                }
                yield simdEngine;
            }
            case "auto" -> {
                FrameEngine simdEngine = simdEngine(spec, dct);
                yield simdEngine != null ? simdEngine : new ScalarFrameEngine(spec, dct);
            }
            default -> throw new IllegalArgumentException(SIMD_PROPERTY + " must be auto, true or false, got " + simd);
        };
    }

    private static FrameEngine simdEngine(FeatureSpec spec, float[][] dct) {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return null;
        }
        try {
            return SimdFrameEngine.available() ? new SimdFrameEngine(spec, dct) : null;
        } catch (LinkageError e) {
            return null;
        }
    }

    public FeatureSpec spec() {
        return spec;
    }

    /** Which engine computes the frames, e.g. {@code simd-16x32} or {@code scalar}. */
    public String engine() {
        return engine.name();
    }

    /** Periodic Hann window, w[j] = 0.5 - 0.5 cos(2 pi j / n), as torch.hann_window(n). */
    public static float[] periodicHann(int n) {
        float[] w = new float[n];
        for (int j = 0; j < n; j++) {
            w[j] = (float) (0.5 - 0.5 * Math.cos(2.0 * Math.PI * j / n));
        }
        return w;
    }

    /** DCT-II with orthonormal scaling, as scipy's dct(norm='ortho') and torchaudio's create_dct(norm='ortho'). */
    public static float[][] dctOrtho(int nOut, int nIn) {
        float[][] m = new float[nOut][nIn];
        for (int k = 0; k < nOut; k++) {
            double scale = Math.sqrt((k == 0 ? 1.0 : 2.0) / nIn);
            for (int n = 0; n < nIn; n++) {
                m[k][n] = (float) (scale * Math.cos(Math.PI * k * (2 * n + 1) / (2.0 * nIn)));
            }
        }
        return m;
    }

    /**
     * Computes {@code count} frames, frame i reading {@code signal[firstStart + i*hop .. + nFft)}, and writes their
     * {@link FeatureSpec#featuresPerFrame()} values each to {@code out[outOffset + i * featuresPerFrame ..]}.
     */
    public void frames(float[] signal, int firstStart, int count, float[] out, int outOffset) {
        if (count < 0 || firstStart < 0
                || (count > 0 && firstStart + (long) (count - 1) * spec.hopLength() + spec.nFft() > signal.length)) {
            throw new IndexOutOfBoundsException(count + " frames from " + firstStart + " need more than the "
                    + signal.length + " samples given");
        }
        if (outOffset < 0 || outOffset + (long) count * spec.featuresPerFrame() > out.length) {
            throw new IndexOutOfBoundsException("output array too small for " + count + " frames");
        }
        engine.frames(signal, firstStart, count, out, outOffset);
    }

    /** One frame: reads {@code signal[start .. start + nFft)}. Prefer {@link #frames} for many. */
    public void frame(float[] signal, int start, float[] out, int outOffset) {
        frames(signal, start, 1, out, outOffset);
    }

    /** All frames of a whole signal, flattened row-major: {@code [frames][featuresPerFrame]}. */
    public float[] extract(float[] signal) {
        int frames = spec.frameCount(signal.length);
        float[] out = new float[frames * spec.featuresPerFrame()];
        frames(signal, 0, frames, out, 0);
        return out;
    }
}
