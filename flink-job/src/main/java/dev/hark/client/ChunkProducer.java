package dev.hark.client;

import dev.hark.audio.PcmDecoder;
import dev.hark.avro.AudioChunk;
import dev.hark.avro.SampleEncoding;
import dev.hark.avro.wire.WireFormat;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Cuts mono audio into {@link AudioChunk} records (16-bit PCM) and sends them to Kafka, keyed by stream id. */
public final class ChunkProducer {
    private ChunkProducer() {
    }

    /** The chunks of one stream, in sequence order. */
    public static List<AudioChunk> chunks(String streamId, float[] samples, int sampleRate, int chunkSamples, long startMillis) {
        if (chunkSamples < 1) {
            throw new IllegalArgumentException("chunk size must be at least one sample");
        }
        List<AudioChunk> chunks = new ArrayList<>();
        for (int from = 0, seq = 0; from < samples.length; from += chunkSamples, seq++) {
            float[] part = Arrays.copyOfRange(samples, from, Math.min(samples.length, from + chunkSamples));
            chunks.add(AudioChunk.newBuilder()
                    .setStreamId(streamId)
                    .setSequence(seq)
                    .setEventTime(Instant.ofEpochMilli(startMillis + (long) from * 1000 / sampleRate))
                    .setSampleRate(sampleRate)
                    .setChannels(1)
                    .setEncoding(SampleEncoding.PCM_S16LE)
                    .setSamples(ByteBuffer.wrap(PcmDecoder.encodePcm16(part)))
                    .build());
        }
        return chunks;
    }

    public static ProducerRecord<byte[], byte[]> record(String topic, AudioChunk chunk) {
        return new ProducerRecord<>(topic, null, chunk.getEventTime().toEpochMilli(),
                chunk.getStreamId().getBytes(StandardCharsets.UTF_8), WireFormat.encode(chunk, AudioChunk.getEncoder()));
    }

    /** Sends every chunk and waits until the broker has them. */
    public static void sendAll(Producer<byte[], byte[]> producer, String topic, List<AudioChunk> chunks) {
        for (AudioChunk chunk : chunks) {
            producer.send(record(topic, chunk));
        }
        producer.flush();
    }
}
