package dev.hark.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class MicroBatcherTest {

    @Test
    void aBatchIsDueWhenFullOrWhenItsOldestWindowHasWaited() {
        MicroBatcher<String> batcher = new MicroBatcher<>(3, 20, 2);
        assertEquals(Long.MAX_VALUE, batcher.dueAt(), "an empty batch is never due");
        assertFalse(batcher.isDue(1_000_000));

        assertFalse(batcher.add("a", new float[] {1, 2}, 100));
        assertEquals(120, batcher.dueAt(), "the first window's arrival plus the delay");
        assertFalse(batcher.add("b", new float[] {3, 4}, 115));
        assertEquals(120, batcher.dueAt(), "later windows do not push the deadline");
        assertFalse(batcher.isDue(119));
        assertTrue(batcher.isDue(120));

        MicroBatcher.Batch<String> first = batcher.take();
        assertEquals(List.of("a", "b"), first.items());
        assertArrayEquals(new float[] {1, 2, 3, 4}, Arrays.copyOf(first.input(), 4), "windows packed in arrival order");
        assertTrue(batcher.isEmpty());

        assertFalse(batcher.add("c", new float[] {5, 6}, 200));
        assertFalse(batcher.add("d", new float[] {7, 8}, 201));
        assertTrue(batcher.add("e", new float[] {9, 10}, 202), "full: take it now");
        assertTrue(batcher.isDue(202));
        MicroBatcher.Batch<String> full = batcher.take();
        assertEquals(3, full.size());
        assertArrayEquals(new float[] {5, 6, 7, 8, 9, 10}, full.input());
        assertEquals(List.of("a", "b"), first.items(), "a taken batch's items stay as they were");
    }

    @Test
    void refusesWindowsOfTheWrongSize() {
        MicroBatcher<String> batcher = new MicroBatcher<>(2, 0, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> batcher.add("x", new float[2], 0));
        assertTrue(e.getMessage().contains("window of 2 floats, the model expects 3"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new MicroBatcher<String>(0, 10, 3));
    }
}
