package dev.hark.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Random;

/** Log-mel-like windows of noise (values around -8, as quiet speech has), for comparing models' scores. */
public final class RandomWindows {
    private RandomWindows() {
    }

    /** {@code count} windows of {@code windowSize} values each, one after another, the same for a seed. */
    public static float[] of(int count, int windowSize, long seed) {
        float[] windows = new float[count * windowSize];
        Random random = new Random(seed);
        for (int i = 0; i < windows.length; i++) {
            windows[i] = (float) random.nextGaussian() * 3 - 8;
        }
        return windows;
    }

    /**
     * Scores {@code batch} random windows with both models and asserts every score agrees within {@code tolerance};
     * returns the first model's scores.
     */
    public static float[][] assertSameScores(AudioClassifier expected, AudioClassifier actual, int batch, long seed,
                                      float tolerance) {
        float[] windows = of(batch, expected.windowSize(), seed);
        float[][] want = expected.classify(windows, batch);
        float[][] got = actual.classify(windows, batch);
        for (int w = 0; w < batch; w++) {
            assertArrayEquals(want[w], got[w], tolerance, "window " + w);
        }
        return want;
    }
}
