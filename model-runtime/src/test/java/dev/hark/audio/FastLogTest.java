package dev.hark.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class FastLogTest {

    @Test
    void matchesMathLogAcrossTheFloatRange() {
        Random random = new Random(5);
        double worst = 0;
        for (int i = 0; i < 2_000_000; i++) {
            float x = Float.intBitsToFloat(0x00800000 + random.nextInt(0x7F000000 - 0x00800000)); // normal positives
            double error = Math.abs(FastLog.ln(x) - Math.log(x));
            worst = Math.max(worst, error / Math.max(1, Math.abs(Math.log(x))));
        }
        assertTrue(worst < 2e-7, "worst relative error " + worst);
        for (float x : new float[] {1e-6f, 1f, 1.4142135f, 1.4142137f, 2f, 0.5f, 3.3e4f}) {
            assertEquals(Math.log(x), FastLog.ln(x), 2e-7 * Math.max(1, Math.abs(Math.log(x))), "ln " + x);
        }
    }

    @Test
    void fallsBackForSpecialValues() {
        assertEquals(Float.NEGATIVE_INFINITY, FastLog.ln(0f));
        assertTrue(Float.isNaN(FastLog.ln(-1f)));
        assertEquals(Float.POSITIVE_INFINITY, FastLog.ln(Float.POSITIVE_INFINITY));
        assertEquals(Math.log(1e-40f), FastLog.ln(1e-40f), 1e-5);
    }
}
