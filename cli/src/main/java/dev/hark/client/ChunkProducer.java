package dev.hark.client;

import dev.hark.audio.PcmDecoder;
import dev.hark.avro.AudioChunk;
import dev.hark.avro.SampleEncoding;
import dev.hark.avro.wire.AudioChunks;
import dev.hark.avro.wire.WireFormat;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Cuts mono audio into {@link AudioChunk} records (16-bit PCM) and makes the Kafka records that carry them. */
public final class ChunkProducer {
    private ChunkProducer() {
    }

    /** The chunks of one stream, in sequence order. */
    public static List<AudioChunk> chunks(String streamId, float[] samples, int sampleRate, int chunkSamples, long startMillis) {
        return AudioChunks.split(streamId, PcmDecoder.encodePcm16(samples), SampleEncoding.PCM_S16LE, 1, sampleRate,
                chunkSamples, startMillis);
    }

    /** Keyed by stream id (a stream stays on one partition), timestamped with the chunk's event time. */
    public static ProducerRecord<byte[], byte[]> record(String topic, AudioChunk chunk) {
        return new ProducerRecord<>(topic, null, chunk.getEventTime().toEpochMilli(), AudioChunks.key(chunk),
                WireFormat.encode(chunk, AudioChunk.getEncoder()));
    }
}
