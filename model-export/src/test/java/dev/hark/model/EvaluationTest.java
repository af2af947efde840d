package dev.hark.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

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
        assertEquals(2, Evaluation.argMax(new float[] {0.1f, 0.2f, 0.7f}));
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
}
