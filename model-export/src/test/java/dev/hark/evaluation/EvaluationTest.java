package dev.hark.evaluation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hark.model.AudioClassifier;
import java.util.List;
import org.junit.jupiter.api.Test;

class EvaluationTest {

    @Test
    void countsAccuracyAndConfusion() {
        Evaluation e = new Evaluation(List.of("a", "b", "c"));
        e.add(0, 0);
        e.add(0, 1);
        e.add(1, 1);
        e.add(2, 2);
        assertEquals(4, e.total());
        assertEquals(0.75, e.accuracy(), 1e-12);
        assertArrayEquals(new long[] {1, 1, 0}, e.confusion()[0]);
        assertEquals(2, AudioClassifier.argMax(new float[] {0.1f, 0.2f, 0.7f}));
        // a: 1 of 2 found, never wrongly predicted; b: 1 found, but also predicted for an "a".
        assertEquals(1.0, e.precision(0), 1e-12);
        assertEquals(0.5, e.recall(0), 1e-12);
        assertEquals(2 * 0.5 / 1.5, e.f1(0), 1e-12);
        assertEquals(0.5, e.precision(1), 1e-12);
        assertEquals(1.0, e.recall(1), 1e-12);
        assertEquals(2, e.support(0));
    }

    @Test
    void undefinedRatesAreNullInJson() {
        Evaluation e = new Evaluation(List.of("a", "b"));
        e.add(0, 0);
        assertEquals(Double.NaN, e.precision(1));
        @SuppressWarnings("unchecked")
        java.util.Map<String, java.util.Map<String, Object>> perLabel =
                (java.util.Map<String, java.util.Map<String, Object>>) e.toJson().get("per_label");
        assertEquals(null, perLabel.get("b").get("precision"));
        assertEquals(1.0, perLabel.get("a").get("f1"));
        assertEquals(1.0, e.toJson().get("accuracy"));
    }

    @Test
    void showsAccuracyPerVoiceAndTheMostConfidentMistakes() {
        Evaluation e = new Evaluation(List.of("yes", "no", "stop"));
        e.add(0, 0, "yes/a_nohash_0.wav", "en-us", 0.9);
        e.add(0, 1, "yes/a_nohash_1.wav", "en-us", 0.6);
        e.add(1, 1, "no/b_nohash_0.wav", "en-gb", 0.8);
        e.add(2, 0, "stop/b_nohash_1.wav", "en-gb", 0.95);
        e.add(2, 2, "silence#0", null, 0.99);
        for (int i = 0; i < 20; i++) {
            e.add(1, 2, "no/c_nohash_" + i + ".wav", "en-sc", 0.1 + i * 0.01);
        }
        assertEquals(java.util.Map.of("en-gb", 0.5, "en-sc", 0.0, "en-us", 0.5), e.accuracyByVoice());
        assertEquals(2, e.clipsOf("en-us"));
        assertEquals(25, e.total(), "a clip without a voice still counts");
        List<Evaluation.Mistake> worst = e.confidentMistakes();
        assertEquals(Evaluation.MISTAKES_KEPT, worst.size());
        assertEquals(new Evaluation.Mistake("stop/b_nohash_1.wav", "stop", "yes", 0.95), worst.get(0));
        assertEquals("yes/a_nohash_1.wav", worst.get(1).source());
        for (int i = 1; i < worst.size(); i++) {
            assertTrue(worst.get(i - 1).confidence() >= worst.get(i).confidence());
        }
        String text = e.toText();
        assertTrue(text.contains("per voice") && text.contains("en-sc") && text.contains("most confidently wrong"), text);
        var json = e.toJson();
        assertEquals(3, ((java.util.Map<?, ?>) json.get("per_voice")).size());
        assertEquals(Evaluation.MISTAKES_KEPT, ((List<?>) json.get("confident_mistakes")).size());
    }
}
