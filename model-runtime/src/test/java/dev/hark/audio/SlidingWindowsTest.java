package dev.hark.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SlidingWindowsTest {

    /** Frame f of the test stream holds the value f in every band, so a window's content names its frames. */
    private static float[] frames(int from, int count, int mels) {
        float[] out = new float[count * mels];
        for (int f = 0; f < count; f++) {
            Arrays.fill(out, f * mels, (f + 1) * mels, from + f);
        }
        return out;
    }

    @ParameterizedTest(name = "window {0}, hop {1}, pushes of {2}")
    @CsvSource({"97, 50, 1", "97, 50, 33", "97, 100, 7", "97, 97, 250", "10, 3, 4", "4, 9, 5", "97, 150, 1000"})
    void emitsEveryWindowOnceWithTheRightFrames(int window, int hop, int push) {
        int mels = 3;
        int total = 1000;
        SlidingWindows windows = new SlidingWindows(window, hop, mels);
        SlidingWindows.State state = new SlidingWindows.State();
        List<SlidingWindows.Window> out = new ArrayList<>();
        for (int from = 0; from < total; from += push) {
            int count = Math.min(push, total - from);
            out.addAll(windows.advance(state, frames(from, count, mels), count));
        }
        assertEquals(windows.windowCount(total), out.size());
        for (int i = 0; i < out.size(); i++) {
            SlidingWindows.Window w = out.get(i);
            assertEquals(i, w.index());
            assertEquals((long) i * hop, w.firstFrame());
            assertArrayEquals(frames(i * hop, window, mels), w.frames());
        }
        // Never more buffered than one window's worth.
        assertEquals(true, state.buffered.length < window * mels);
    }
}
