package dev.hark.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hark.audio.FeatureSpec;
import dev.hark.audio.MelNorm;
import dev.hark.audio.MelScale;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelContractTest {

    @Test
    void roundTripsThroughJson(@TempDir Path dir) throws IOException {
        FeatureSpec spec = new FeatureSpec(8000, 256, 200, 80, 32, 0, 4000, MelScale.SLANEY, MelNorm.SLANEY, 1e-5, 13);
        ModelContract contract = new ModelContract(ModelContract.FORMAT, "m", "7", List.of("a", "b"), spec, 49,
                "serving_default", "mel", "probabilities", Map.of("clips", 10), Map.of("test_accuracy", 0.5),
                ModelContract.InputKind.WAVEFORM, ModelContract.OutputKind.SIGMOID, List.of(0.3f, 0.7f), List.of("b"));
        contract.write(dir);
        ModelContract back = ModelContract.read(dir);
        assertEquals(contract, back);
        assertEquals(spec, back.features());
        assertEquals(48L * 80 + 256, back.windowSamples());
        assertEquals(48 * 80 + 256, back.inputSize());
        assertEquals(List.of(0.3f, 0.7f), back.thresholds());
        assertEquals(List.of("b"), back.backgroundLabels());
        assertEquals(Map.of("a", 0.3f, "b", 0.7f), back.thresholdsByLabel());
    }

    @Test
    void writesTheTrainingSummaryInAFixedOrder(@TempDir Path dir) throws IOException {
        java.util.LinkedHashMap<String, Object> summary = new java.util.LinkedHashMap<>();
        for (String key : List.of("seed", "augmentation", "towers", "batch_size", "kept_cepstra", "epochs_run", "patience",
                "learning_rate", "train_clips", "dynamic_range_db", "validation_clips", "test_clips")) {
            summary.put(key, key.length());
        }
        ModelContract.logMel("k", "1", List.of("yes", "no"), FeatureSpec.DEFAULT, 97, "serving_default", "mel",
                "probabilities", summary, Map.of()).write(dir);
        String json = Files.readString(dir.resolve(ModelContract.FILE_NAME));
        List<String> written = summary.keySet().stream().sorted(java.util.Comparator.comparingInt(
                key -> json.indexOf("\"" + key + "\""))).toList();
        assertEquals(summary.keySet().stream().sorted().toList(), written, json);
    }

    @Test
    void olderContractsGetTheDefaults(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve(ModelContract.FILE_NAME), "{\"format\":\"hark-model/1\",\"name\":\"n\",\"version\":\"1\","
                + "\"labels\":[\"a\",\"b\",\"c\"],\"features\":{\"sampleRate\":16000,\"nFft\":512,\"winLength\":400,"
                + "\"hopLength\":160,\"nMels\":40,\"fMin\":20,\"fMax\":7600,\"melScale\":\"HTK\",\"melNorm\":\"NONE\","
                + "\"logOffset\":1e-6},\"windowFrames\":97,\"signature\":\"serving_default\",\"inputName\":\"mel\","
                + "\"outputName\":\"probabilities\"}");
        ModelContract c = ModelContract.read(dir);
        assertEquals(ModelContract.InputKind.LOG_MEL, c.inputKind());
        assertEquals(ModelContract.OutputKind.SOFTMAX, c.outputKind());
        assertEquals(List.of(0.5f, 0.5f, 0.5f), c.thresholds());
        assertEquals(List.of(), c.backgroundLabels(), "none of its labels means no event");
        assertEquals(0, c.features().nMfcc());
        assertEquals(97 * 40, c.inputSize());
    }

    @Test
    void theKeywordLabelsOfOtherWordsAndSilenceAreBackgroundByDefault() {
        ModelContract c = ModelContract.logMel("k", "1", List.of("yes", ModelContract.UNKNOWN, "no", ModelContract.SILENCE),
                FeatureSpec.DEFAULT, 97, "serving_default", "mel", "probabilities", Map.of(), Map.of());
        assertEquals(List.of(ModelContract.UNKNOWN, ModelContract.SILENCE), c.backgroundLabels());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ModelContract(
                ModelContract.FORMAT, "k", "1", List.of("yes"), FeatureSpec.DEFAULT, 97, "s", "i", "o", null, null,
                null, null, null, List.of("no")));
        assertTrue(e.getMessage().contains("not all among the labels"), e.getMessage());
    }

    @Test
    void explainsAMissingContract(@TempDir Path dir) {
        IOException e = assertThrows(IOException.class, () -> ModelContract.read(dir));
        assertTrue(e.getMessage().contains("no model contract"), e.getMessage());
    }

    @Test
    void rejectsAnUnknownFormat(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve(ModelContract.FILE_NAME), "{\"format\":\"other/9\"}");
        IOException e = assertThrows(IOException.class, () -> ModelContract.read(dir));
        assertTrue(e.getMessage().contains("unsupported model contract format"), e.getMessage());
    }
}
