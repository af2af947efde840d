package dev.hark.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hark.model.AudioClassifier;
import dev.hark.model.ModelContract;
import dev.hark.model.RandomWindows;
import dev.hark.audio.FeatureSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Signature;

/** A model of several towers serves the normalised geometric mean of what each tower alone would say. */
class TowersTest {
    static final int LABELS = Trainer.SPEECH_COMMANDS_LABELS.size();

    @TempDir
    Path dir;

    @Test
    void servesTheGeometricMeanOfItsTowersAndReexportsAsItIs() throws IOException {
        Map<String, float[]> first = peaky(KeywordCnn.initialValues(LABELS, 1));
        Map<String, float[]> second = peaky(KeywordCnn.initialValues(LABELS, 2));
        Map<String, float[]> both = new LinkedHashMap<>(first);
        second.forEach((name, value) -> both.put(KeywordCnn.towerPrefix(1) + name, value));

        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        Path ab = dir.resolve("ab");
        Trainer.export(first, contract(1), a);
        Trainer.export(second, contract(1), b);
        Trainer.export(both, contract(2), ab);
        assertEquals(2, KeywordCnn.towersOf(ModelContract.read(ab).training()));

        int batch = 6;
        float[][] pa;
        float[][] pb;
        float[][] pab;
        float[] windows;
        try (AudioClassifier ca = new AudioClassifier(a, 1, 1).open();
             AudioClassifier cb = new AudioClassifier(b, 1, 1).open();
             AudioClassifier cab = new AudioClassifier(ab, 1, 1).open()) {
            windows = RandomWindows.of(batch, ca.windowSize(), 5);
            pa = ca.classify(windows, batch);
            pb = cb.classify(windows, batch);
            pab = cab.classify(windows, batch);
        }
        boolean towersDisagree = false;
        for (int w = 0; w < batch; w++) {
            double[] expected = new double[LABELS];
            double sum = 0;
            for (int l = 0; l < LABELS; l++) {
                expected[l] = Math.sqrt((double) pa[w][l] * pb[w][l]);
                sum += expected[l];
            }
            for (int l = 0; l < LABELS; l++) {
                assertEquals(expected[l] / sum, pab[w][l], 1e-4, "window " + w + ", label " + l);
                towersDisagree |= Math.abs(pa[w][l] - pb[w][l]) > 0.05;
            }
        }
        assertTrue(towersDisagree, "the towers must differ for the mean to be tested");

        Path again = dir.resolve("again");
        Trainer.reexport(ab, again);
        assertEquals(ModelContract.read(ab), ModelContract.read(again));
        try (AudioClassifier c = new AudioClassifier(again, 1, 1).open()) {
            float[][] p = c.classify(windows, batch);
            for (int w = 0; w < batch; w++) {
                for (int l = 0; l < LABELS; l++) {
                    assertEquals(pab[w][l], p[w][l], 1e-6, "window " + w + ", label " + l);
                }
            }
        }
    }

    @Test
    void refusesWeightsForFewerTowersThanTheContractSays() {
        Map<String, float[]> one = KeywordCnn.initialValues(LABELS, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Trainer.export(one, contract(2), dir.resolve("x")));
        assertTrue(e.getMessage().contains(KeywordCnn.towerPrefix(1)), e.getMessage());
    }

    @Test
    void towersOutsideTheirRangeAreRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> new Trainer.Config("m", "1", 1, 32, 1e-3f, 1, 1, true, 0));
        assertThrows(IllegalArgumentException.class,
                () -> new Trainer.Config("m", "1", 1, 32, 1e-3f, 1, 1, true, Trainer.MAX_TOWERS + 1));
    }

    /** Initial weights with a dense layer large enough that each tower's answer is far from uniform. */
    private static Map<String, float[]> peaky(Map<String, float[]> weights) {
        Map<String, float[]> out = new LinkedHashMap<>(weights);
        float[] dense = weights.get("dense_kernel").clone();
        for (int i = 0; i < dense.length; i++) {
            dense[i] *= 6;
        }
        out.put("dense_kernel", dense);
        return out;
    }

    private static ModelContract contract(int towers) {
        FeatureSpec spec = FeatureSpec.DEFAULT;
        Map<String, Object> training = new LinkedHashMap<>();
        KeywordCnn.Front.CURRENT.describe(training);
        if (towers > 1) {
            training.put(KeywordCnn.TOWERS_KEY, towers);
        }
        return ModelContract.logMel("towers", "1", Trainer.SPEECH_COMMANDS_LABELS, spec,
                spec.frameCount(spec.sampleRate()), Signature.DEFAULT_KEY, Trainer.INPUT_NAME, Trainer.OUTPUT_NAME,
                training, Map.of());
    }
}
