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
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Signature;

/** A model's conv channels travel in its contract, so export and re-export build the graph its weights fit. */
class ChannelsTest {
    static final int LABELS = Trainer.SPEECH_COMMANDS_LABELS.size();
    static final List<Integer> NARROW = List.of(8, 12, 24, 20);

    @TempDir
    Path dir;

    @Test
    void narrowTowersExportReadBackAndReexportWithTheirChannels() throws IOException {
        Map<String, float[]> weights = new LinkedHashMap<>(KeywordCnn.initialValues(LABELS, NARROW, 3));
        KeywordCnn.initialValues(LABELS, NARROW, 4).forEach((name, v) -> weights.put(KeywordCnn.towerPrefix(1) + name, v));
        assertEquals(8 * 9, weights.get("conv0_kernel").length, "first layer: 3x3 kernels, 1 input, 8 outputs");
        assertEquals(20 * LABELS, weights.get("dense_kernel").length, "the dense layer reads the last layer's channels");

        Path model = dir.resolve("narrow");
        Trainer.export(weights, contract(NARROW), model);
        assertEquals(NARROW, KeywordCnn.channelsOf(ModelContract.read(model).training()), "read back from the JSON");

        Path again = dir.resolve("again");
        Trainer.reexport(model, again);
        assertEquals(ModelContract.read(model), ModelContract.read(again));
        try (AudioClassifier first = new AudioClassifier(model, 1, 1).open();
             AudioClassifier second = new AudioClassifier(again, 1, 1).open()) {
            for (float[] scores : RandomWindows.assertSameScores(first, second, 3, 9, 1e-6f)) {
                assertEquals(1.0, sum(scores), 1e-4);
            }
        }
    }

    @Test
    void aModelWithOtherPoolingReexportsWithIt() throws IOException {
        Map<String, float[]> weights = new LinkedHashMap<>(KeywordCnn.initialValues(LABELS, NARROW, 3));
        KeywordCnn.initialValues(LABELS, NARROW, 4).forEach((name, v) -> weights.put(KeywordCnn.towerPrefix(1) + name, v));
        KeywordCnn.Front front = KeywordCnn.Front.CURRENT.withInputPool(2, 2).withFirstPool(4, 4);
        Path pooled = dir.resolve("pooled");
        Trainer.export(weights, contract(NARROW, front), pooled);
        Path plain = dir.resolve("plain");
        Trainer.export(weights, contract(NARROW), plain);
        Path again = dir.resolve("again");
        Trainer.reexport(pooled, again);
        assertEquals(front, KeywordCnn.Front.of(ModelContract.read(again).training()), "read back from the JSON");
        try (AudioClassifier first = new AudioClassifier(pooled, 1, 1).open();
             AudioClassifier second = new AudioClassifier(again, 1, 1).open();
             AudioClassifier unpooled = new AudioClassifier(plain, 1, 1).open()) {
            RandomWindows.assertSameScores(first, second, 3, 9, 1e-6f);
            assertThrows(AssertionError.class, () -> RandomWindows.assertSameScores(first, unpooled, 3, 9, 1e-4f),
                    "the same weights without the pooling score otherwise");
        }
    }

    @Test
    void weightsOfOtherChannelsThanTheContractNamesAreRefused() {
        Map<String, float[]> narrow = KeywordCnn.initialValues(LABELS, NARROW, 3);
        assertThrows(IllegalArgumentException.class,
                () -> Trainer.export(narrow, contract(KeywordCnn.DEFAULT_CHANNELS), dir.resolve("x")));
    }

    @Test
    void aContractWithoutChannelsHasTheDefaultOnesAndBadChannelsAreRefused() {
        assertEquals(KeywordCnn.DEFAULT_CHANNELS, KeywordCnn.channelsOf(Map.of()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Trainer.Config("m", "1", 1, 32, 1e-3f, 1, 1, true, 2, List.of(16, 32, 64)));
        assertTrue(e.getMessage().contains("4 conv layers"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new Trainer.Config("m", "1", 1, 32, 1e-3f, 1, 1, true, 2, List.of(16, 0, 64, 64)));
    }

    private static double sum(float[] values) {
        double s = 0;
        for (float v : values) {
            s += v;
        }
        return s;
    }

    private static ModelContract contract(List<Integer> channels) {
        return contract(channels, KeywordCnn.Front.CURRENT);
    }

    private static ModelContract contract(List<Integer> channels, KeywordCnn.Front front) {
        FeatureSpec spec = FeatureSpec.DEFAULT;
        Map<String, Object> training = new LinkedHashMap<>();
        front.describe(training);
        training.put(KeywordCnn.TOWERS_KEY, 2);
        if (!channels.equals(KeywordCnn.DEFAULT_CHANNELS)) {
            training.put(KeywordCnn.CHANNELS_KEY, channels);
        }
        return ModelContract.logMel("narrow", "1", Trainer.SPEECH_COMMANDS_LABELS, spec,
                spec.frameCount(spec.sampleRate()), Signature.DEFAULT_KEY, Trainer.INPUT_NAME, Trainer.OUTPUT_NAME,
                training, Map.of());
    }
}
