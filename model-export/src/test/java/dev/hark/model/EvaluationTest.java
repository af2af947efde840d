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
    }
}
