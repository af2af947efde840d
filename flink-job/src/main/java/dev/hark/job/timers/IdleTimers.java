package dev.hark.job.timers;

import java.io.IOException;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.streaming.api.TimerService;

/**
 * Per-stream idle timers that move in steps of an eighth of the timeout: a stream sending 10 chunks a second
 * re-registers its timer a few times per timeout rather than with every chunk (a delete and an insert in the timer
 * queue each time, 3% of the keyed operators' time at 700 streams). The timer fires between the timeout and the
 * timeout plus one step after the stream's last record.
 */
public final class IdleTimers {
    private IdleTimers() {
    }

    /** When a stream last heard from at {@code now} is due: a step boundary at least {@code timeoutMillis} later. */
    public static long dueAt(long now, long timeoutMillis) {
        long step = Math.max(1, timeoutMillis / 8);
        return Math.floorDiv(now + timeoutMillis, step) * step + step;
    }

    /** Arms the stream's timer for a record now; {@code due} keeps the one registered time. */
    public static void touch(ValueState<Long> due, TimerService timers, long timeoutMillis) throws IOException {
        long next = dueAt(timers.currentProcessingTime(), timeoutMillis);
        Long previous = due.value();
        if (previous != null && previous == next) {
            return;
        }
        if (previous != null) {
            timers.deleteProcessingTimeTimer(previous);
        }
        timers.registerProcessingTimeTimer(next);
        due.update(next);
    }

    /** Whether a processing-time timer at {@code timestamp} is the stream's idle timer (and not a stale one). */
    public static boolean isDue(ValueState<Long> due, long timestamp) throws IOException {
        Long registered = due.value();
        return registered != null && registered == timestamp;
    }

    /** Removes the stream's timer and its record. */
    public static void clear(ValueState<Long> due, TimerService timers) throws IOException {
        Long registered = due.value();
        if (registered != null) {
            timers.deleteProcessingTimeTimer(registered);
        }
        due.clear();
    }
}
