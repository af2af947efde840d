package dev.hark.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hark.model.AudioClassifier;
import dev.hark.model.ModelContract;
import dev.hark.model.RandomWindows;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.GraphOperation;
import org.tensorflow.SavedModelBundle;

/**
 * The bundled model saved again with today's graph code: the same contract and scores, and a graph that pools with
 * {@code MaxPool} (which oneDNN runs) rather than {@code MaxPoolV2}.
 */
class ReexportTest {
    static final Path BUNDLED = Path.of("models", "keywords");

    @TempDir
    Path dir;

    @Test
    void keepsScoresAndContractAndPoolsWithMaxPool() throws Exception {
        Path out = dir.resolve("keywords");
        Trainer.reexport(BUNDLED, out);

        assertEquals(ModelContract.read(BUNDLED), ModelContract.read(out));
        assertTrue(Files.exists(out.resolve("report.html")), "the training report comes along");
        try (SavedModelBundle bundle = SavedModelBundle.load(out.toString(), SavedModelBundle.DEFAULT_TAG)) {
            Set<String> ops = StreamSupport.stream(
                            java.util.Spliterators.spliteratorUnknownSize(bundle.graph().operations(), 0), false)
                    .map(op -> ((GraphOperation) op).type()).collect(Collectors.toSet());
            assertTrue(ops.contains("MaxPool"), "ops: " + ops);
            assertFalse(ops.contains("MaxPoolV2"), "ops: " + ops);
        }
        try (AudioClassifier before = new AudioClassifier(BUNDLED, 1, 1).open();
             AudioClassifier after = new AudioClassifier(out, 1, AudioClassifier.CALLER_THREAD).open()) {
            RandomWindows.assertSameScores(before, after, 5, 3, 1e-5f);
        }
    }
}
