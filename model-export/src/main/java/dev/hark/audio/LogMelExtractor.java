package dev.hark.audio;

import org.jtransforms.fft.FloatFFT_1D;

/**
 * Log-mel frames from mono float samples, the one implementation that training and serving share.
 *
 * <p>The window, the sparse filterbank and the FFT plan are computed once; frames reuse scratch buffers, so an
 * instance is not thread-safe: use one per thread (one per Flink subtask).
 */
public final class LogMelExtractor {
    private final FeatureSpec spec;
    private final int windowOffset;
    private final float[] window;
    private final MelFilterbank filterbank;
    private final FloatFFT_1D fft;
    private final float[] fftBuffer;
    private final float[] power;
    private final float[] mel;
    /** Orthonormal DCT-II rows [nMfcc][nMels], or null for log-mel output. */
    private final float[][] dct;

    public LogMelExtractor(FeatureSpec spec) {
        this.spec = spec;
        this.windowOffset = (spec.nFft() - spec.winLength()) / 2;
        this.window = periodicHann(spec.winLength());
        this.filterbank = new MelFilterbank(spec);
        this.fft = new FloatFFT_1D(spec.nFft());
        this.fftBuffer = new float[spec.nFft()];
        this.power = new float[spec.bins()];
        this.mel = new float[spec.nMels()];
        this.dct = spec.nMfcc() > 0 ? dctOrtho(spec.nMfcc(), spec.nMels()) : null;
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

    public FeatureSpec spec() {
        return spec;
    }

    /** Periodic Hann window, w[j] = 0.5 - 0.5 cos(2 pi j / n), as torch.hann_window(n). */
    public static float[] periodicHann(int n) {
        float[] w = new float[n];
        for (int j = 0; j < n; j++) {
            w[j] = (float) (0.5 - 0.5 * Math.cos(2.0 * Math.PI * j / n));
        }
        return w;
    }

    /**
     * Computes the frame that starts at {@code signal[start]} (it reads {@code signal[start .. start + nFft)}) and
     * writes its {@link FeatureSpec#featuresPerFrame()} values to {@code out[outOffset ..]}. Allocates nothing.
     */
    public void frame(float[] signal, int start, float[] out, int outOffset) {
        int nFft = spec.nFft();
        if (start < 0 || start + nFft > signal.length) {
            throw new IndexOutOfBoundsException("frame at " + start + " needs " + nFft + " samples, signal has " + signal.length);
        }
        // The window is zero outside [windowOffset, windowOffset + winLength): only those pads need clearing.
        int windowEnd = windowOffset + window.length;
        java.util.Arrays.fill(fftBuffer, 0, windowOffset, 0f);
        java.util.Arrays.fill(fftBuffer, windowEnd, nFft, 0f);
        int base = start + windowOffset;
        for (int j = 0; j < window.length; j++) {
            fftBuffer[windowOffset + j] = signal[base + j] * window[j];
        }
        fft.realForward(fftBuffer);
        int half = nFft / 2;
        power[0] = fftBuffer[0] * fftBuffer[0];
        power[half] = fftBuffer[1] * fftBuffer[1];
        for (int k = 1; k < half; k++) {
            float re = fftBuffer[2 * k];
            float im = fftBuffer[2 * k + 1];
            power[k] = re * re + im * im;
        }
        filterbank.apply(power, mel);
        float offset = (float) spec.logOffset();
        if (dct == null) {
            for (int m = 0; m < mel.length; m++) {
                out[outOffset + m] = FastLog.ln(mel[m] + offset);
            }
            return;
        }
        for (int m = 0; m < mel.length; m++) {
            mel[m] = FastLog.ln(mel[m] + offset);
        }
        for (int k = 0; k < dct.length; k++) {
            float[] row = dct[k];
            float acc = 0f;
            for (int m = 0; m < row.length; m++) {
                acc += row[m] * mel[m];
            }
            out[outOffset + k] = acc;
        }
    }

    /** All frames of a whole signal, flattened row-major: {@code [frames][featuresPerFrame]}. */
    public float[] extract(float[] signal) {
        int frames = spec.frameCount(signal.length);
        int width = spec.featuresPerFrame();
        float[] out = new float[frames * width];
        for (int i = 0; i < frames; i++) {
            frame(signal, i * spec.hopLength(), out, i * width);
        }
        return out;
    }
}
