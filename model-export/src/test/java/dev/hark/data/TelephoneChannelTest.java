package dev.hark.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TelephoneChannelTest {
    private static final int RATE = 16000;
    private final TelephoneChannel line = new TelephoneChannel(RATE);

    private static float[] tone(double hz, double amplitude) {
        float[] x = new float[RATE];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (amplitude * Math.sin(2 * Math.PI * hz * i / RATE));
        }
        return x;
    }

    /** RMS over the middle half, away from the filters' start and end. */
    private static double rms(float[] x) {
        double sum = 0;
        int from = x.length / 4;
        int to = 3 * x.length / 4;
        for (int i = from; i < to; i++) {
            sum += x[i] * (double) x[i];
        }
        return Math.sqrt(sum / (to - from));
    }

    private static double gainDb(float[] in, float[] out) {
        return 20 * Math.log10(rms(out) / rms(in));
    }

    @Test
    void voiceBandPassesAndWhatAn8kHzLineCannotCarryIsGone() {
        float[] voice = tone(1000, 0.3);
        float[] high = tone(5000, 0.3);
        float[] hum = tone(60, 0.3);
        assertEquals(0, gainDb(voice, line.apply(voice, 300, false)), 0.5, "1 kHz passes");
        assertTrue(gainDb(high, line.apply(high, 300, false)) < -60, "5 kHz is above the line's 4 kHz Nyquist");
        assertTrue(gainDb(hum, line.apply(hum, 300, false)) < -25, "60 Hz hum is under the 300 Hz high-pass");
        assertEquals(RATE, line.apply(voice).length, "as many samples out as in");
    }

    @Test
    void muLawNoiseFollowsTheLevelAndLinearLinesAddNone() {
        for (double amplitude : new double[] {0.5, 0.01}) {
            float[] x = tone(1000, amplitude);
            float[] linear = line.apply(x, 300, false);
            float[] companded = line.apply(x, 300, true);
            float[] error = new float[x.length];
            for (int i = 0; i < x.length; i++) {
                error[i] = companded[i] - linear[i];
            }
            double snr = 20 * Math.log10(rms(linear) / rms(error));
            // 8-bit mu-law keeps about 35-40 dB SNR over a wide range of levels (linear 8 bits would lose it when quiet).
            assertTrue(snr > 30 && snr < 50, "mu-law SNR at amplitude " + amplitude + ": " + snr + " dB");
        }
        assertEquals(0f, TelephoneChannel.muLaw(0f));
        assertEquals(1f, TelephoneChannel.muLaw(1f), 1e-6);
        assertEquals(-TelephoneChannel.muLaw(0.2f), TelephoneChannel.muLaw(-0.2f));
        assertEquals(1f, TelephoneChannel.muLaw(3f), 1e-6, "clipped to full scale");
    }

    @Test
    void aRandomLineIsRepeatableForASeedAndVaries() {
        float[] x = tone(700, 0.2);
        float[] a = line.apply(x, new Random(3));
        assertArrayEquals(a, line.apply(x, new Random(3)));
        assertFalse(Arrays.equals(a, line.apply(x, new Random(4))));
    }

    @Test
    void refusesWhatIsNotATelephoneLine() {
        assertThrows(IllegalArgumentException.class, () -> new TelephoneChannel(8000));
        assertThrows(IllegalArgumentException.class, () -> line.apply(new float[10], 0, true));
        assertThrows(IllegalArgumentException.class, () -> line.apply(new float[10], 4000, true));
    }
}
