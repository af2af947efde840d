package dev.hark.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hark.model.AudioClassifier;
import dev.hark.model.Precision;
import dev.hark.model.ModelContract;
import dev.hark.audio.LogMelExtractor;
import dev.hark.data.DatasetSynthesizer;
import dev.hark.data.KeywordDataset;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Synthesizes a small dataset with espeak-ng and sox, trains the CNN briefly, exports it, and serves the export:
 * it must beat chance clearly on voices it never heard, and its contract must describe it.
 */
class KeywordModelITCase {
    @TempDir
    static Path dir;
    static Trainer.Outcome outcome;
    static Path model;
    static KeywordDataset dataset;

    @BeforeAll
    static void train() throws IOException {
        Path data = dir.resolve("data");
        new DatasetSynthesizer(7, 4, 2).write(data);
        dataset = KeywordDataset.load(data, Trainer.SPEECH_COMMANDS_LABELS, 16000, 7);
        model = dir.resolve("model");
        Trainer.Config config = new Trainer.Config("test-model", "0.1", 12, 32, 2e-3f, 12, 7, true);
        outcome = new Trainer(Trainer.SPEECH_COMMANDS_LABELS, config).train(dataset, model, line -> { });
    }

    @Test
    void beatsChanceClearlyOnHeldOutVoices() {
        double chance = 1.0 / Trainer.SPEECH_COMMANDS_LABELS.size();
        assertTrue(outcome.test().total() > 50, "test clips: " + outcome.test().total());
        assertTrue(outcome.test().accuracy() > 3 * chance, "held-out accuracy " + outcome.test().accuracy());
    }

    @Test
    void exportCarriesItsContractAndServes() throws IOException {
        ModelContract contract = ModelContract.read(model);
        assertEquals(Trainer.SPEECH_COMMANDS_LABELS, contract.labels());
        assertEquals("test-model", contract.name());
        assertEquals(97, contract.windowFrames());
        assertEquals(outcome.test().accuracy(), contract.metrics().get("test_accuracy"), 1e-12);
        // Inference-only export: no optimizer slots, so the variables stay small.
        long variableBytes;
        try (var files = Files.list(model.resolve("variables"))) {
            variableBytes = files.mapToLong(p -> p.toFile().length()).sum();
        }
        assertTrue(variableBytes < 400_000, "variables take " + variableBytes + " bytes");

        try (AudioClassifier classifier = new AudioClassifier(model, 1, 1).open()) {
            float[] silence = new float[16000];
            float[] window = new LogMelExtractor(contract.features()).extract(silence);
            float[][] scores = classifier.classify(concat(window, window, window), 3);
            assertEquals(3, scores.length);
            for (float[] row : scores) {
                assertEquals(Trainer.SPEECH_COMMANDS_LABELS.size(), row.length);
                double sum = 0;
                for (float s : row) {
                    sum += s;
                }
                assertEquals(1.0, sum, 1e-4);
            }
            assertThrows(IllegalArgumentException.class, () -> classifier.classify(window, 2));
        }
    }

    @Test
    void refusesAFolderThatHoldsAModelBeforeTrainingInIt() {
        Trainer.Config config = new Trainer.Config("over", "0", 1, 32, 2e-3f, 1, 3, true);
        List<String> log = new java.util.ArrayList<>();
        IOException e = assertThrows(IOException.class,
                () -> new Trainer(Trainer.SPEECH_COMMANDS_LABELS, config).train(dataset, model, log::add));
        assertTrue(e.getMessage().contains("already holds a SavedModel"), e.getMessage());
        assertEquals(List.of(), log, "refused before the first epoch");
    }

    @Test
    void theSameSeedTrainsTheSameModel() throws IOException {
        Trainer.Config config = new Trainer.Config("again", "0", 2, 32, 2e-3f, 2, 11, true);
        byte[][] weights = trainTwice(config, "again");
        org.junit.jupiter.api.Assertions.assertArrayEquals(weights[0], weights[1]);
    }

    @Test
    void aSecondTowerLeavesTheFirstAsItWouldTrainAloneAndRepeats() throws IOException {
        Trainer.Config one = new Trainer.Config("one", "0", 1, 32, 2e-3f, 1, 13, true);
        Trainer.Config two = new Trainer.Config("two", "0", 1, 32, 2e-3f, 1, 13, true, 2);
        Path alone = dir.resolve("alone");
        new Trainer(Trainer.SPEECH_COMMANDS_LABELS, one).train(dataset, alone, line -> { });
        byte[][] weights = trainTwice(two, "towers");
        org.junit.jupiter.api.Assertions.assertArrayEquals(weights[0], weights[1], "two towers, same seed, same model");
        Path towers = dir.resolve("towers0");
        assertEquals(2, KeywordCnn.towersOf(ModelContract.read(towers).training()));
        // Each tower learns from its own loss on the same batches: the first is the one-tower model, exactly.
        assertArrayEquals(variable(alone, "conv0_kernel"), variable(towers, "conv0_kernel"));
        assertArrayEquals(variable(alone, "dense_kernel"), variable(towers, "dense_kernel"));
        assertFalse(java.util.Arrays.equals(variable(towers, "dense_kernel"),
                variable(towers, KeywordCnn.towerPrefix(1) + "dense_kernel")), "the second tower starts elsewhere");
    }

    @Test
    void distillationExportsOneTowerTaughtByTheOthersAndRepeats() throws IOException {
        Trainer.Config alone = new Trainer.Config("alone", "0", 1, 32, 2e-3f, 1, 17, true);
        Trainer.Config distilled = new Trainer.Config("distilled", "0", 1, 32, 2e-3f, 1, 17, true, 1,
                KeywordCnn.DEFAULT_CHANNELS, Precision.FLOAT32, 2);
        Path single = dir.resolve("single");
        new Trainer(Trainer.SPEECH_COMMANDS_LABELS, alone).train(dataset, single, line -> { });
        byte[][] weights = trainTwice(distilled, "distilled");
        assertArrayEquals(weights[0], weights[1], "distilled, same seed, same model");
        Path model = dir.resolve("distilled0");
        ModelContract contract = ModelContract.read(model);
        assertEquals(1, KeywordCnn.towersOf(contract.training()), "one tower serves");
        assertEquals(2, ((Number) contract.training().get(Trainer.DISTILLED_FROM_KEY)).intValue());
        // The same initial weights and batches as the tower trained alone: only the teacher's term moved it elsewhere.
        assertFalse(java.util.Arrays.equals(variable(single, "dense_kernel"), variable(model, "dense_kernel")),
                "the averaged predictions taught the exported tower");
        try (var files = Files.list(model.resolve("variables"))) {
            long distilledBytes = files.mapToLong(p -> p.toFile().length()).sum();
            try (var aloneFiles = Files.list(single.resolve("variables"))) {
                assertEquals(aloneFiles.mapToLong(p -> p.toFile().length()).sum(), distilledBytes,
                        "the teachers' weights are not exported");
            }
        }
        assertThrows(IllegalArgumentException.class, () -> new Trainer.Config("both", "0", 1, 32, 2e-3f, 1, 17, true, 2,
                KeywordCnn.DEFAULT_CHANNELS, Precision.FLOAT32, 2));
    }

    private static float[] variable(Path model, String name) {
        try (org.tensorflow.SavedModelBundle bundle = org.tensorflow.SavedModelBundle.load(model.toString(),
                org.tensorflow.SavedModelBundle.DEFAULT_TAG);
             org.tensorflow.Result r = bundle.session().runner().fetch(name).run()) {
            org.tensorflow.types.TFloat32 t = (org.tensorflow.types.TFloat32) r.get(0);
            float[] v = new float[(int) t.size()];
            t.copyTo(org.tensorflow.ndarray.buffer.DataBuffers.of(v, false, false));
            return v;
        }
    }

    @Test
    void refusesAFolderWithoutAContract() {
        AudioClassifier classifier = new AudioClassifier(dir.resolve("nothing-here"), 1, 1);
        IOException e = assertThrows(IOException.class, classifier::open);
        assertTrue(e.getMessage().contains("no model contract"), e.getMessage());
    }

    private static float[] concat(float[]... parts) {
        int n = 0;
        for (float[] p : parts) {
            n += p.length;
        }
        float[] out = new float[n];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    /** Trains {@code config} twice on the test data, into {@code name}0 and {@code name}1; the two weight files. */
    private static byte[][] trainTwice(Trainer.Config config, String name) throws IOException {
        byte[][] weights = new byte[2][];
        for (int run = 0; run < 2; run++) {
            Path out = dir.resolve(name + run);
            new Trainer(Trainer.SPEECH_COMMANDS_LABELS, config).train(dataset, out, line -> { });
            weights[run] = Files.readAllBytes(out.resolve("variables/variables.data-00000-of-00001"));
        }
        return weights;
    }
}
