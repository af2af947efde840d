package dev.hark.audio;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Slides model-sized windows over a stream of frames. Each frame is computed once upstream; overlapping windows
 * copy frames, never recompute them. Stateless between calls: the caller keeps a {@link State}.
 */
public final class SlidingWindows {
    private final int windowFrames;
    private final int hopFrames;
    private final int nMels;

    public SlidingWindows(int windowFrames, int hopFrames, int nMels) {
        if (windowFrames < 1 || hopFrames < 1 || nMels < 1) {
            throw new IllegalArgumentException("windowFrames, hopFrames and nMels must be positive, got "
                    + windowFrames + ", " + hopFrames + ", " + nMels);
        }
        this.windowFrames = windowFrames;
        this.hopFrames = hopFrames;
        this.nMels = nMels;
    }

    public int windowFrames() {
        return windowFrames;
    }

    public int hopFrames() {
        return hopFrames;
    }

    /** How many windows {@code frames} frames yield. */
    public int windowCount(long frames) {
        return frames < windowFrames ? 0 : (int) ((frames - windowFrames) / hopFrames + 1);
    }

    /** Per-stream progress; a POJO so Flink can keep it in keyed state. */
    public static final class State {
        /** Frames from the start of the next window on, flattened [frames][nMels]. */
        public float[] buffered = new float[0];
        /** Index of the next window to emit. */
        public long nextWindow;
        /** Frames still to drop before the next window starts (when the hop exceeds the window). */
        public int skip;

        public State() {
        }
    }

    /** A complete window: its index in the stream, the index of its first frame, and its frames. */
    public record Window(long index, long firstFrame, float[] frames) {
    }

    /** Adds {@code count} frames (flattened in {@code frames}) and returns the windows they complete. */
    public List<Window> advance(State state, float[] frames, int count) {
        int start = Math.min(state.skip, count);
        state.skip -= start;
        int fresh = count - start;
        float[] buffer = Arrays.copyOf(state.buffered, state.buffered.length + fresh * nMels);
        System.arraycopy(frames, start * nMels, buffer, state.buffered.length, fresh * nMels);
        int available = buffer.length / nMels;
        List<Window> windows = new ArrayList<>();
        int offset = 0;
        while (available - offset >= windowFrames) {
            float[] window = Arrays.copyOfRange(buffer, offset * nMels, (offset + windowFrames) * nMels);
            long index = state.nextWindow++;
            windows.add(new Window(index, index * hopFrames, window));
            offset += hopFrames;
        }
        if (offset > available) {
            state.skip = offset - available;
            offset = available;
        }
        state.buffered = Arrays.copyOfRange(buffer, offset * nMels, buffer.length);
        return windows;
    }
}
