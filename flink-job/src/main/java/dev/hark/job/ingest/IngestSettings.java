package dev.hark.job.ingest;

import java.io.Serializable;

/**
 * How raw records become chunks.
 *
 * @param modelSampleRate the model's rate: a chunk at a rate the job cannot convert from is dead-lettered
 * @param maxChunkBytes   larger records are dead-lettered as OVERSIZED_PAYLOAD
 */
public record IngestSettings(int modelSampleRate, int maxChunkBytes) implements Serializable {
}
