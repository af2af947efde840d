package dev.hark.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hark.model.ModelContract;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FalseAcceptsTest {
    final ModelContract contract;

    FalseAcceptsTest() throws Exception {
        contract = ModelContract.read(Path.of("models/keywords"));
    }

    float[] scores(String best, float score) {
        List<String> labels = contract.labels();
        float[] scores = new float[labels.size()];
        float rest = (1 - score) / (labels.size() - 1);
        java.util.Arrays.fill(scores, rest);
        scores[labels.indexOf(best)] = score;
        return scores;
    }

    @Test
    void aKeywordAtOrAboveItsThresholdOnAClipWithoutOne() {
        FalseAccepts accepts = new FalseAccepts(contract);
        int down = contract.labels().indexOf("down");
        float threshold = contract.thresholds().get(down);
        accepts.add("_unknown_", scores("down", Math.min(1f, threshold + 0.05f)));   // heard 'down': a false accept
        accepts.add("_unknown_", scores("down", threshold));                          // at the threshold: one too
        accepts.add("_unknown_", scores("down", threshold - 0.1f));                   // below: no detection
        accepts.add("_unknown_", scores("_unknown_", 0.9f));                          // right
        accepts.add("_silence_", scores("yes", 0.99f));                               // silence heard as 'yes'
        accepts.add("yes", scores("no", 0.99f));                                      // a keyword's clip: not counted here
        assertEquals(5, accepts.clipsWithoutKeyword());
        assertEquals(3, accepts.count());
        assertEquals(Map.of("down", 2L, "yes", 1L), accepts.byKeyword());
        assertEquals(0.6, accepts.rate(), 1e-9);
        assertTrue(accepts.toText().startsWith("false accepts: 3 of 5 clips without a keyword (60.0%)"), accepts.toText());
        assertTrue(accepts.toText().contains(": down 2, yes 1"), accepts.toText());
        assertEquals("", new FalseAccepts(contract).toText(), "nothing to say without such clips");
    }
}
