package dev.hark.job.ingest;

import java.io.Serializable;

/**
 * How raw records become chunks.
 *
 * @param modelSampleRate        the model's rate: a chunk at a rate the job cannot convert from is dead-lettered
 * @param maxChunkBytes          larger records are dead-lettered as OVERSIZED_PAYLOAD
 * @param maxEventTimeAheadMillis chunks stamped further ahead of the job's clock are dead-lettered as
 *                               {@value ChunkDecoding#EVENT_TIME_AHEAD_OF_CLOCK}: one such chunk would carry the
 *                               watermark, and with it every stream's ordering, into the future
 */
public record IngestSettings(int modelSampleRate, int maxChunkBytes, long maxEventTimeAheadMillis) implements Serializable {
    public static final long DEFAULT_MAX_EVENT_TIME_AHEAD_MILLIS = 60_000;

    public IngestSettings(int modelSampleRate, int maxChunkBytes) {
        this(modelSampleRate, maxChunkBytes, DEFAULT_MAX_EVENT_TIME_AHEAD_MILLIS);
    }
}
