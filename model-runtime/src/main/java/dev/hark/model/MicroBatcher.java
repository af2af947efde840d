package dev.hark.model;

import java.util.ArrayList;
import java.util.List;

/**
 * Gathers windows (of any streams) into one batch per model call: a batch is due when it holds {@code maxSize}
 * windows, or once its oldest window has waited {@code maxDelayMillis}, whichever comes first. Each window's floats
 * are packed into the batch's input as it arrives, so scoring needs no copy. Not thread-safe: one per task.
 *
 * @param <T> what the caller keeps per window (the window itself, its timestamp, ...)
 */
public final class MicroBatcher<T> {
    private final int maxSize;
    private final long maxDelayMillis;
    private final int windowSize;
    private final float[] input;
    private final List<T> items;
    private long oldestArrival;

    /**
     * @param maxSize        most windows per batch
     * @param maxDelayMillis longest a window waits for its batch to fill
     * @param windowSize     floats per window (the model's input size)
     */
    public MicroBatcher(int maxSize, long maxDelayMillis, int windowSize) {
        if (maxSize < 1 || maxDelayMillis < 0 || windowSize < 1) {
            throw new IllegalArgumentException("batch size and window size must be at least 1 and the delay not"
                    + " negative, got " + maxSize + ", " + windowSize + " and " + maxDelayMillis + " ms");
        }
        this.maxSize = maxSize;
        this.maxDelayMillis = maxDelayMillis;
        this.windowSize = windowSize;
        this.input = new float[maxSize * windowSize];
        this.items = new ArrayList<>(maxSize);
    }

    /** A batch taken for scoring: its items in arrival order, and their windows packed one after another. */
    public record Batch<T>(List<T> items, float[] input) {
        public int size() {
            return items.size();
        }
    }

    /**
     * Adds one window that arrived at {@code nowMillis}.
     *
     * @return whether the batch is now full and must be taken at once
     */
    public boolean add(T item, float[] window, long nowMillis) {
        if (window.length != windowSize) {
            throw new IllegalArgumentException("window of " + window.length + " floats, the model expects " + windowSize);
        }
        if (items.isEmpty()) {
            oldestArrival = nowMillis;
        }
        System.arraycopy(window, 0, input, items.size() * windowSize, windowSize);
        items.add(item);
        return items.size() >= maxSize;
    }

    /** When the batch must be taken at the latest: its oldest window's arrival plus the delay; never when empty. */
    public long dueAt() {
        return items.isEmpty() ? Long.MAX_VALUE : oldestArrival + maxDelayMillis;
    }

    /** Whether the batch is full, or its oldest window has waited long enough at {@code nowMillis}. */
    public boolean isDue(long nowMillis) {
        return items.size() >= maxSize || nowMillis >= dueAt();
    }

    public boolean isEmpty() {
        return items.isEmpty();
    }

    public int size() {
        return items.size();
    }

    /**
     * Takes the waiting windows as one batch and starts the next. The batch's input array is reused: score it before
     * the next {@link #add}.
     */
    public Batch<T> take() {
        Batch<T> batch = new Batch<>(List.copyOf(items), input);
        items.clear();
        return batch;
    }
}
