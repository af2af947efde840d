package dev.hark.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Random;
import org.junit.jupiter.api.Test;

class LabelDrawTest {
    private static final int LABELS = 22;
    private static final int UNKNOWN = 20;

    @Test
    void withoutRecordedClipsTheDrawsAreTheLabelsDrawnBeforeThem() {
        Random drawn = new Random(42);
        Random before = new Random(42);
        for (int i = 0; i < 10_000; i++) {
            LabelDraw draw = LabelDraw.next(drawn, LABELS, UNKNOWN, false);
            assertEquals(before.nextInt(LABELS), draw.label());
            assertFalse(draw.recorded());
        }
    }

    @Test
    void recordedClipsAreDrawnOnTopOfTheSynthesizedUnknownWords() {
        Random random = new Random(7);
        int draws = 230_000;
        int[] synthesized = new int[LABELS];
        int recorded = 0;
        for (int i = 0; i < draws; i++) {
            LabelDraw draw = LabelDraw.next(random, LABELS, UNKNOWN, true);
            if (draw.recorded()) {
                assertEquals(UNKNOWN, draw.label());
                recorded++;
            } else {
                synthesized[draw.label()]++;
            }
        }
        // Every label and the recorded clips: one slot of 23 each (standard deviation about 0.0004).
        double slot = 1.0 / (LABELS + LabelDraw.RECORDED_SLOTS);
        assertEquals(slot, recorded / (double) draws, 0.002);
        for (int label = 0; label < LABELS; label++) {
            assertEquals(slot, synthesized[label] / (double) draws, 0.002, "label " + label);
        }
    }
}
