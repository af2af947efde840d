package dev.hark.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hark.audio.FeatureSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelRootTest {
    private static ModelContract contract(String version, FeatureSpec spec) {
        return ModelContract.logMel("m", version, List.of("a", "b"), spec, 97, "serving_default", "mel", "p", Map.of(), Map.of());
    }

    @Test
    void picksTheNewestVersionFolderNumbersAsNumbers(@TempDir Path root) throws IOException {
        for (String v : List.of("1", "2", "10", "9")) {
            contract(v, FeatureSpec.DEFAULT).write(root.resolve(v));
        }
        Files.createDirectories(root.resolve("99-not-a-model"));
        assertEquals(root.resolve("10"), ModelRoot.resolve(root));
        assertTrue(ModelRoot.isRoot(root));
        assertEquals(root.resolve("2"), ModelRoot.resolve(root.resolve("2")), "a model folder is served as is");
        assertTrue(ModelRoot.compareVersions("1.9", "1.10") < 0);
        assertTrue(ModelRoot.compareVersions("v2", "v10") < 0);
    }

    @Test
    void explainsAnEmptyRootAndAnUnfitModel(@TempDir Path root) {
        IOException e = assertThrows(IOException.class, () -> ModelRoot.resolve(root));
        assertTrue(e.getMessage().contains("neither a model folder"), e.getMessage());
        assertTrue(ModelRoot.incompatibility(contract("1", FeatureSpec.DEFAULT), contract("2", FeatureSpec.DEFAULT)).isEmpty());
        assertTrue(ModelRoot.incompatibility(contract("1", FeatureSpec.DEFAULT), contract("2", FeatureSpec.DEFAULT.withMfcc(13)))
                .orElseThrow().contains("features"));
    }
}
