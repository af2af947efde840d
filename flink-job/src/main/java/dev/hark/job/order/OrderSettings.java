package dev.hark.job.order;

import java.io.Serializable;

/**
 * Event time and the order of each stream's chunks.
 *
 * @param maxOutOfOrderMillis how late a chunk may arrive in event time; a sequence gap still open after this is skipped
 * @param sourceIdleMillis    after this long without records a source split no longer holds event time back
 * @param streamIdleMillis    a stream without chunks for this long (processing time) has its state freed
 * @param limits              what a stream may hold, and how many streams may be live
 */
public record OrderSettings(long maxOutOfOrderMillis, long sourceIdleMillis, long streamIdleMillis,
                            StreamLimits limits) implements Serializable {
    public OrderSettings {
        if (maxOutOfOrderMillis < 0 || sourceIdleMillis < 0 || streamIdleMillis < 1) {
            throw new IllegalArgumentException("out-of-orderness and source idleness must not be negative and the"
                    + " stream idle timeout must be positive, got " + maxOutOfOrderMillis + ", " + sourceIdleMillis
                    + " and " + streamIdleMillis + " ms");
        }
        java.util.Objects.requireNonNull(limits, "limits");
    }

    /** With the default {@link StreamLimits}. */
    public OrderSettings(long maxOutOfOrderMillis, long sourceIdleMillis, long streamIdleMillis) {
        this(maxOutOfOrderMillis, sourceIdleMillis, streamIdleMillis, StreamLimits.DEFAULTS);
    }
}
