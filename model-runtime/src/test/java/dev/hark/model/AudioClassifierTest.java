package dev.hark.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.SavedModelBundle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AudioClassifierTest {

    private static ModelContract renamed(ModelContract c, String signature, String input) {
        return new ModelContract(c.format(), c.name(), c.version(), c.labels(), c.features(), c.windowFrames(), signature,
                input, c.outputName(), c.training(), c.metrics(), c.inputKind(), c.outputKind(), c.thresholds(),
                c.backgroundLabels());
    }

    /** Opens with the real loader, keeping every bundle it loaded. */
    private static AudioClassifier keeping(Path dir, List<SavedModelBundle> loaded) {
        return new AudioClassifier(dir, 1, 1, (d, config) -> {
            SavedModelBundle b = SavedModelBundle.loader(d.toString()).withTags(SavedModelBundle.DEFAULT_TAG)
                    .withConfigProto(config).load();
            loaded.add(b);
            return b;
        });
    }

    private static boolean closed(SavedModelBundle bundle) {
        try {
            bundle.graph().operations();
            return false;
        } catch (IllegalStateException e) {
            return true;
        }
    }

    @Test
    void aModelThatFailsPartWayIsClosedAndSaysWhy(@TempDir Path root) throws Exception {
        List<SavedModelBundle> loaded = new ArrayList<>();
        Path noSignature = ModelVersions.add(root, "a", c -> renamed(c, "no_such_signature", c.inputName()));
        AudioClassifier first = keeping(noSignature, loaded);
        IOException e = assertThrows(IOException.class, first::open);
        assertTrue(e.getMessage().contains("no signature 'no_such_signature'"), e.getMessage());
        assertFalse(first.isOpen());

        Path wrongInput = ModelVersions.add(root, "b", c -> renamed(c, c.signature(), "waveform"));
        AudioClassifier second = keeping(wrongInput, loaded);
        e = assertThrows(IOException.class, second::open);
        assertTrue(e.getMessage().contains("but the contract names waveform"), e.getMessage());
        assertFalse(second.isOpen());
        assertEquals(2, loaded.size(), "both SavedModels loaded before the contract was checked against them");
        assertTrue(loaded.stream().allMatch(AudioClassifierTest::closed), "and both were closed again");

        AudioClassifier good = keeping(ModelVersions.BUNDLED, loaded).open();
        assertFalse(closed(loaded.get(2)), "a model that opens stays open");
        good.close();
        assertTrue(closed(loaded.get(2)));
    }

    @Test
    void warmUpRunsEachBatchSizeOnceAndLeavesTheModelServing() throws Exception {
        List<SavedModelBundle> loaded = new ArrayList<>();
        AudioClassifier classifier = keeping(ModelVersions.BUNDLED, loaded);
        assertThrows(IllegalStateException.class, () -> classifier.warmUp(1), "a closed model cannot warm up");
        try (AudioClassifier open = classifier.open()) {
            long[] nanos = open.warmUp(1, 32);
            assertEquals(2, nanos.length);
            assertTrue(nanos[0] > 0 && nanos[1] > 0);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> open.warmUp(0));
            assertTrue(e.getMessage().contains("at least one window"), e.getMessage());
            float[][] scores = open.classify(new float[open.windowSize()], 1);
            assertEquals(open.contract().labels().size(), scores[0].length, "the model still serves after warming up");
        }
    }
}
