package dev.hark.job.ingest;

import dev.hark.audio.PcmDecoder;
import dev.hark.avro.AudioChunk;
import dev.hark.avro.SampleEncoding;
import dev.hark.avro.wire.AudioChunks;
import dev.hark.avro.wire.WireFormat;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;

/** What a producer sends, the inverse of {@link ChunkDecoding}: audio cut into chunks, and the records that carry them. */
public final class ChunkEncoding {
    private ChunkEncoding() {
    }

    /** Mono 16-bit PCM chunks of {@code chunkSamples} samples, in sequence order, from {@code startMillis} on. */
    public static List<AudioChunk> pcm16(String streamId, float[] samples, int sampleRate, int chunkSamples,
                                         long startMillis) {
        return AudioChunks.split(streamId, PcmDecoder.encodePcm16(samples), SampleEncoding.PCM_S16LE, 1, sampleRate,
                chunkSamples, startMillis);
    }

    /** Keyed by stream id (a stream stays on one partition), timestamped with the chunk's event time. */
    public static ProducerRecord<byte[], byte[]> record(String topic, AudioChunk chunk) {
        return new ProducerRecord<>(topic, null, chunk.getEventTime().toEpochMilli(), AudioChunks.key(chunk),
                WireFormat.encode(chunk, AudioChunk.getEncoder()));
    }
}
