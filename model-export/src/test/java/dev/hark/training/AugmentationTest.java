package dev.hark.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hark.data.KeywordDataset;
import dev.hark.data.Noise;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AugmentationTest {
    private static KeywordDataset.Example clip() {
        float[] x = new float[16000];
        for (int i = 4000; i < 12000; i++) {
            x[i] = (float) (0.3 * Math.sin(i * 0.05));
        }
        return new KeywordDataset.Example("yes", KeywordDataset.Split.TRAIN, x, "yes/a");
    }

    @Test
    void waveformAugmentationIsDeterministicForASeedAndChangesTheClip() {
        List<Noise.Bed> noise = List.of(Noise.Bed.of(Noise.generate(Noise.Colour.PINK, 32000, 0.1, new Random(1))));
        float[] a = Trainer.augment(clip(), noise, List.of(), new Random(5));
        float[] b = Trainer.augment(clip(), noise, List.of(), new Random(5));
        float[] c = Trainer.augment(clip(), noise, List.of(), new Random(6));
        assertArrayEquals(a, b);
        assertFalse(Arrays.equals(a, c));
        assertFalse(Arrays.equals(a, clip().samples()));
        for (float v : a) {
            assertTrue(v >= -1f && v <= 1f);
        }
    }

    @Test
    void aNoiseBedMixesExactlyAsItsSamplesDo() {
        float[] noise = Noise.generate(Noise.Colour.BROWN, 48000, 0.05, new Random(2));
        Noise.Bed bed = Noise.Bed.of(noise);
        assertEquals(Noise.rms(noise), bed.rms());
        float[] plain = clip().samples();
        float[] fromBed = clip().samples();
        Noise.mixAtSnr(plain, noise, 12.5, 40123);
        Noise.mixAtSnr(fromBed, bed, 12.5, 40123);
        assertArrayEquals(plain, fromBed, "same RMS, same gain, same samples: the same training batches");
        assertFalse(Arrays.equals(plain, clip().samples()));
    }

    @Test
    void theTelephoneShareIsAShareOfWindows() {
        Trainer.Config phone = new Trainer.Config("m", "1", 1, 32, 1e-3f, 1, 1, true, 1, List.of(16, 32, 64, 64),
                dev.hark.model.Precision.FLOAT32, 2, 0.3);
        assertEquals(0.3, phone.telephone());
        assertEquals(0.0, new Trainer.Config("m", "1", 1, 32, 1e-3f, 1, 1, true).telephone(), "none unless asked");
        for (double wrong : new double[] {-0.1, 1.5, Double.NaN}) {
            org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> new Trainer.Config("m", "1", 1, 32, 1e-3f, 1, 1, true, 1, List.of(16, 32, 64, 64),
                            dev.hark.model.Precision.FLOAT32, 1, wrong));
        }
    }

    @Test
    void specAugmentMasksWithTheWindowMeanDeterministically() {
        float[] frames = new float[97 * 40];
        for (int i = 0; i < frames.length; i++) {
            frames[i] = i % 40;
        }
        float[] a = frames.clone();
        float[] b = frames.clone();
        Trainer.specAugment(a, 97, 40, new Random(11));
        Trainer.specAugment(b, 97, 40, new Random(11));
        assertArrayEquals(a, b);
        int changed = 0;
        for (int i = 0; i < a.length; i++) {
            if (a[i] != frames[i]) {
                changed++;
                assertEquals(19.5f, a[i], "masked values take the window's mean");
            }
        }
        assertTrue(changed < a.length / 2, "masks cover a minority of the window: " + changed);
    }

    @Test
    void learningRateWarmsUpThenDecays() {
        Trainer t = new Trainer(Trainer.SPEECH_COMMANDS_LABELS, Trainer.Config.defaults());
        float peak = Trainer.Config.defaults().learningRate();
        assertEquals(peak / 10, t.learningRateAt(0, 10, 100), 1e-9);
        assertEquals(peak, t.learningRateAt(9, 10, 100), 1e-9);
        assertTrue(t.learningRateAt(50, 10, 100) < peak);
        assertEquals(0.05 * peak, t.learningRateAt(100, 10, 100), 1e-6);
    }
}
