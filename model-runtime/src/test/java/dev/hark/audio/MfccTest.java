package dev.hark.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class MfccTest {

    @Test
    void dctIsOrthonormal() {
        float[][] d = LogMelExtractor.dctOrtho(40, 40);
        for (int a = 0; a < 40; a++) {
            for (int b = 0; b < 40; b++) {
                double dot = 0;
                for (int n = 0; n < 40; n++) {
                    dot += d[a][n] * (double) d[b][n];
                }
                assertEquals(a == b ? 1.0 : 0.0, dot, 1e-5, a + "," + b);
            }
        }
    }

    @Test
    void mfccIsTheOrthonormalDctOfTheLogMelFrames() throws Exception {
        float[] signal = Golden.wav("sine440_1000.wav").samples();
        FeatureSpec logMel = FeatureSpec.DEFAULT;
        FeatureSpec mfcc = logMel.withMfcc(13);
        float[] mel = new LogMelExtractor(logMel).extract(signal);
        float[] coefficients = new LogMelExtractor(mfcc).extract(signal);
        assertEquals(13, mfcc.featuresPerFrame());
        assertEquals(97 * 13, coefficients.length);
        for (int f = 0; f < 97; f++) {
            for (int k = 0; k < 13; k++) {
                double expected = 0; // DCT-II, ortho, written out in double
                for (int n = 0; n < 40; n++) {
                    expected += mel[f * 40 + n] * Math.cos(Math.PI * k * (2 * n + 1) / 80.0);
                }
                expected *= Math.sqrt((k == 0 ? 1.0 : 2.0) / 40);
                assertEquals(expected, coefficients[f * 13 + k], 2e-4 * Math.max(1, Math.abs(expected)), "frame " + f + " c" + k);
            }
        }
    }
}
