package dev.hark.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hark.audio.FeatureSpec;
import org.junit.jupiter.api.Test;

class SpectrogramWarpTest {
    private static final FeatureSpec SPEC = FeatureSpec.DEFAULT;
    private static final int BANDS = SPEC.nMels();
    private static final int FRAMES = 97;

    /** A window whose only bright spot is band {@code band} of frame {@code frame}. */
    private static float[] spot(int frame, int band) {
        float[] frames = new float[FRAMES * BANDS];
        frames[frame * BANDS + band] = 1f;
        return frames;
    }

    private static int brightestBand(float[] frames, int frame) {
        int best = 0;
        for (int m = 1; m < BANDS; m++) {
            if (frames[frame * BANDS + m] > frames[frame * BANDS + best]) {
                best = m;
            }
        }
        return best;
    }

    @Test
    void factorOneChangesNothing() {
        float[] frames = spot(30, 12);
        float[] copy = frames.clone();
        SpectrogramWarp warp = new SpectrogramWarp(SPEC);
        warp.warpFrequency(frames, FRAMES, 1.0);
        warp.stretchTime(frames, FRAMES, 1.0);
        assertArrayEquals(copy, frames, 1e-6f);
    }

    @Test
    void aShorterVocalTractMovesFormantsUp() {
        SpectrogramWarp warp = new SpectrogramWarp(SPEC);
        float[] up = spot(30, 20);
        warp.warpFrequency(up, FRAMES, 1.15);
        assertTrue(brightestBand(up, 30) > 20, "band " + brightestBand(up, 30));
        float[] down = spot(30, 20);
        warp.warpFrequency(down, FRAMES, 0.87);
        assertTrue(brightestBand(down, 30) < 20, "band " + brightestBand(down, 30));
    }

    @Test
    void fasterSpeechComesCloserToTheMiddle() {
        SpectrogramWarp warp = new SpectrogramWarp(SPEC);
        int middle = FRAMES / 2;
        float[] frames = spot(middle + 20, 5);
        warp.stretchTime(frames, FRAMES, 2.0);
        assertEquals(1f, frames[(middle + 10) * BANDS + 5], 1e-6f);
        assertEquals(0f, frames[(middle + 20) * BANDS + 5], 1e-6f);
    }

    @Test
    void aBandLimitTakesOnlyWhatIsAboveTheCutoff() {
        SpectrogramWarp warp = new SpectrogramWarp(SPEC);
        float[] frames = new float[FRAMES * BANDS];
        warp.limitBand(frames, FRAMES, 4000, 10);
        int cut = 0;
        for (int m = 0; m < BANDS; m++) {
            float value = frames[50 * BANDS + m];
            if (value < 0) {
                cut++;
                assertTrue(value >= -10f, "band " + m);
            } else if (cut > 0) {
                throw new AssertionError("band " + m + " above a cut band is untouched");
            }
        }
        // 7600 Hz top, HTK mel: the bands above 4 kHz are about a quarter of 40.
        assertTrue(cut >= 6 && cut <= 14, cut + " bands cut");
        assertEquals(-10f, frames[50 * BANDS + BANDS - 1], 1e-6f);
    }
}
