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
                "serving_default", "mel", "probabilities", Map.of("clips", 10), Map.of("test_accuracy", 0.5));
        contract.write(dir);
        ModelContract back = ModelContract.read(dir);
        assertEquals(contract, back);
        assertEquals(spec, back.features());
        assertEquals(48L * 80 + 256, back.windowSamples());
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
