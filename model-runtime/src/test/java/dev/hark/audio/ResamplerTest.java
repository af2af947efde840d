package dev.hark.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ResamplerTest {
    private static float[] sine(double hz, int rate, double seconds, double amplitude) {
        float[] x = new float[(int) Math.round(seconds * rate)];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (amplitude * Math.sin(2 * Math.PI * hz * i / rate));
        }
        return x;
    }

    /** Amplitude of the component at {@code hz}, by correlation over the steady middle of the signal. */
    private static double amplitudeAt(float[] x, double hz, int rate) {
        int from = x.length / 4;
        int to = 3 * x.length / 4;
        double re = 0;
        double im = 0;
        for (int i = from; i < to; i++) {
            re += x[i] * Math.cos(2 * Math.PI * hz * i / rate);
            im += x[i] * Math.sin(2 * Math.PI * hz * i / rate);
        }
        return 2 * Math.hypot(re, im) / (to - from);
    }

    private static double rms(float[] x) {
        int from = x.length / 4;
        int to = 3 * x.length / 4;
        double sum = 0;
        for (int i = from; i < to; i++) {
            sum += x[i] * (double) x[i];
        }
        return Math.sqrt(sum / (to - from));
    }

    @ParameterizedTest(name = "{0} Hz -> 16 kHz keeps a {1} Hz tone")
    @CsvSource({"8000, 1000", "8000, 3400", "11025, 3000", "22050, 440", "22050, 6900", "32000, 5000",
        "44100, 1000", "44100, 7000", "48000, 100", "48000, 6950", "16000, 7000"})
    void keepsInBandTones(int rate, double hz) {
        float[] out = new Resampler(rate, 16000).resample(sine(hz, rate, 1.0, 0.5));
        double amplitude = amplitudeAt(out, hz, 16000);
        assertEquals(0.5, amplitude, 0.5 * 1e-3, "passband gain error above 0.01 dB at " + hz + " Hz");
    }

    @ParameterizedTest(name = "{0} Hz -> 16 kHz removes a {1} Hz tone")
    @CsvSource({"48000, 8000", "48000, 9000", "48000, 12000", "48000, 23000", "44100, 8500", "44100, 15000",
        "32000, 10000", "22050, 10000"})
    void suppressesTonesThatWouldAlias(int rate, double hz) {
        float[] out = new Resampler(rate, 16000).resample(sine(hz, rate, 1.0, 0.5));
        double db = 20 * Math.log10(rms(out) / (0.5 / Math.sqrt(2)));
        assertTrue(db < -75, hz + " Hz came through at " + db + " dB");
    }

    @Test
    void upsamplingSuppressesImages() {
        // 1 kHz at 8 kHz has an image at 7 kHz once upsampled naively.
        float[] out = new Resampler(8000, 16000).resample(sine(1000, 8000, 1.0, 0.5));
        assertEquals(0.5, amplitudeAt(out, 1000, 16000), 5e-4);
        assertTrue(amplitudeAt(out, 7000, 16000) < 0.5 * 1e-4, "image at 7 kHz");
    }

    @Test
    void producesTheExpectedLength() {
        assertEquals(16000, new Resampler(48000, 16000).resample(new float[48000]).length);
        assertEquals(16000, new Resampler(44100, 16000).resample(new float[44100]).length);
        assertEquals(16000, new Resampler(8000, 16000).resample(new float[8000]).length);
        assertEquals(16000, new Resampler(11025, 16000).resample(new float[11025]).length);
    }

    @ParameterizedTest(name = "pieces of {0}")
    @ValueSource(ints = {1, 2, 3, 100, 441, 1000, 4410, 100_000})
    void streamingIsBitForBitTheWholeSignal(int piece) {
        Resampler r = new Resampler(44100, 16000);
        float[] x = sine(1234, 44100, 0.7, 0.3);
        float[] whole = r.resample(x);
        Resampler.State state = r.newState();
        float[] streamed = new float[0];
        for (int from = 0; from < x.length; from += piece) {
            streamed = concat(streamed, r.process(state, Arrays.copyOfRange(x, from, Math.min(x.length, from + piece))));
            assertTrue(state.buffer.length <= 2 * r.lookahead() + piece, "state stays bounded");
        }
        streamed = concat(streamed, r.flush(state));
        assertArrayEquals(whole, streamed);
    }

    @Test
    void identityRateIsExact() {
        float[] x = sine(440, 16000, 0.1, 0.5);
        float[] y = new Resampler(16000, 16000).resample(x);
        assertEquals(x.length, y.length);
        assertArrayEquals(x, y);
    }

    @Test
    void refusesAbsurdRates() {
        assertEquals("BAD_SAMPLE_RATE", assertThrows(InvalidAudioException.class, () -> new Resampler(0, 16000)).reason());
        assertEquals("BAD_SAMPLE_RATE", assertThrows(InvalidAudioException.class, () -> new Resampler(10_000_000, 16000)).reason());
        assertEquals("UNSUPPORTED_SAMPLE_RATE", assertThrows(InvalidAudioException.class, () -> new Resampler(44099, 16000)).reason());
    }

    private static float[] concat(float[] a, float[] b) {
        float[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
