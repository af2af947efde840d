package dev.hark.job.order;

import java.io.Serializable;

/**
 * What one stream may hold in the job, and how many streams may be live at once: the bounds that keep the job's
 * state within {@link #stateBudgetBytes} per subtask whatever producers send. Chunks outside them go to the
 * dead-letter topic with their own reason ({@link ChunkSequencer}).
 *
 * @param maxLiveStreams     streams one subtask keeps state for; a chunk of a new stream beyond this is refused
 *                           ({@value ChunkSequencer#TOO_MANY_STREAMS}) until a stream ends or goes idle
 * @param maxWaitingChunks   chunks a stream may hold while it waits for a missing sequence number; one more and it
 *                           gives up on its earliest gap as if event time had passed it
 * @param maxWaitingBytes    the same bound on the waiting chunks' samples (4 bytes each)
 * @param maxSequenceAhead   how far past the next expected sequence number a chunk may be
 *                           ({@value ChunkSequencer#SEQUENCE_TOO_FAR_AHEAD} beyond)
 * @param maxLatenessMillis  how far an event time may lie behind the watermark or the stream's own time
 *                           ({@value ChunkSequencer#EVENT_TIME_BEHIND_WATERMARK},
 *                           {@value ChunkSequencer#EVENT_TIME_BEFORE_STREAM} beyond)
 * @param maxGapFillMillis   the longest skipped gap filled with silence; longer ones are left as a jump in time
 */
public record StreamLimits(int maxLiveStreams, int maxWaitingChunks, long maxWaitingBytes, long maxSequenceAhead,
                           long maxLatenessMillis, long maxGapFillMillis) implements Serializable {
    public static final int DEFAULT_MAX_LIVE_STREAMS = 2_000;
    public static final int DEFAULT_MAX_WAITING_CHUNKS = 64;
    public static final long DEFAULT_MAX_WAITING_BYTES = 256 * 1024;
    public static final long DEFAULT_MAX_SEQUENCE_AHEAD = 1_000;
    public static final long DEFAULT_MAX_LATENESS_MILLIS = 10 * 60_000;
    public static final long DEFAULT_MAX_GAP_FILL_MILLIS = 10_000;
    public static final StreamLimits DEFAULTS = new StreamLimits(DEFAULT_MAX_LIVE_STREAMS, DEFAULT_MAX_WAITING_CHUNKS,
            DEFAULT_MAX_WAITING_BYTES, DEFAULT_MAX_SEQUENCE_AHEAD, DEFAULT_MAX_LATENESS_MILLIS,
            DEFAULT_MAX_GAP_FILL_MILLIS);
    /** Bytes a waiting chunk costs beyond its samples: its fields and the map entry, roughly. */
    public static final long CHUNK_OVERHEAD_BYTES = 128;

    public StreamLimits {
        if (maxLiveStreams < 1 || maxWaitingChunks < 1 || maxWaitingBytes < 1 || maxSequenceAhead < 1
                || maxLatenessMillis < 0 || maxGapFillMillis < 0) {
            throw new IllegalArgumentException("stream limits must be positive (lateness and gap fill: not negative),"
                    + " got " + this);
        }
    }

    /** What a chunk of {@code samples} samples counts against {@link #maxWaitingBytes}. */
    public static long waitingBytes(int samples) {
        return 4L * samples + CHUNK_OVERHEAD_BYTES;
    }

    /**
     * The most keyed state one subtask of the ordering and windowing operators holds at these limits: every live
     * stream with its waiting chunks full, plus its feature state ({@code featureStateBytes} per stream).
     */
    public long stateBudgetBytes(long featureStateBytes) {
        return (long) maxLiveStreams * (maxWaitingBytes + waitingBytes(0) + featureStateBytes + 256);
    }
}
