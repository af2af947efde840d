package dev.hark.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.hark.model.ModelContract;
import java.util.List;
import org.junit.jupiter.api.Test;

class LabelSamplingTest {
    @Test
    void unknownIsDrawnMoreOftenThanEachOtherLabel() {
        int[] draws = Trainer.labelDraws(List.of("yes", ModelContract.UNKNOWN, "no", ModelContract.SILENCE));
        int[] expected = new int[2 + Trainer.UNKNOWN_DRAWS + 1];
        int i = 0;
        expected[i++] = 0;
        for (int repeat = 0; repeat < Trainer.UNKNOWN_DRAWS; repeat++) {
            expected[i++] = 1;
        }
        expected[i++] = 2;
        expected[i] = 3;
        assertArrayEquals(expected, draws);
    }

    @Test
    void withoutUnknownEveryLabelIsDrawnEvenly() {
        assertArrayEquals(new int[] {0, 1, 2}, Trainer.labelDraws(List.of("a", "b", "c")));
    }
}
