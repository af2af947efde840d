package dev.hark.audio;

import org.jtransforms.fft.FloatFFT_1D;

/**
 * One frame at a time with JTransforms' real FFT: the portable engine, used when the JDK's Vector API module is not
 * enabled.
 */
final class ScalarFrameEngine implements FrameEngine {
    private final FeatureSpec spec;
    private final int windowOffset;
    private final float[] window;
    private final MelFilterbank filterbank;
    private final FloatFFT_1D fft;
    private final float[] fftBuffer;
    private final float[] power;
    private final float[] mel;
    private final float[][] dct;

    ScalarFrameEngine(FeatureSpec spec, float[][] dct) {
        this.spec = spec;
        this.windowOffset = (spec.nFft() - spec.winLength()) / 2;
        this.window = LogMelExtractor.periodicHann(spec.winLength());
        this.filterbank = new MelFilterbank(spec);
        this.fft = new FloatFFT_1D(spec.nFft());
        this.fftBuffer = new float[spec.nFft()];
        this.power = new float[spec.bins()];
        this.mel = new float[spec.nMels()];
        this.dct = dct;
    }

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public void frames(float[] signal, int firstStart, int count, float[] out, int outOffset) {
        int width = spec.featuresPerFrame();
        for (int i = 0; i < count; i++) {
            frame(signal, firstStart + i * spec.hopLength(), out, outOffset + i * width);
        }
    }

    private void frame(float[] signal, int start, float[] out, int outOffset) {
        int nFft = spec.nFft();
        // The window is zero outside [windowOffset, windowOffset + winLength): only those pads need clearing.
        java.util.Arrays.fill(fftBuffer, 0, windowOffset, 0f);
        java.util.Arrays.fill(fftBuffer, windowOffset + window.length, nFft, 0f);
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
}
