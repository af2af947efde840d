package dev.hark.avro.wire;

import dev.hark.avro.AudioChunk;
import dev.hark.avro.SampleEncoding;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a recording into the {@link AudioChunk} records of one stream, as a producer should send them: sequence
 * numbers 0, 1, 2, ... without gaps, each chunk's event time that of its first sample, whole frames only.
 */
public final class AudioChunks {
    private AudioChunks() {
    }

    /** Bytes per sample of one channel. */
    public static int bytesPerSample(SampleEncoding encoding) {
        return switch (encoding) {
            case PCM_S16LE -> 2;
            case FLOAT32LE -> 4;
        };
    }

    /**
     * @param samples        interleaved samples: frames x channels x {@link #bytesPerSample} bytes
     * @param framesPerChunk frames (samples of every channel at one instant) per chunk; the last chunk may be shorter
     * @param startMillis    event time of the first frame (epoch ms)
     */
    public static List<AudioChunk> split(String streamId, byte[] samples, SampleEncoding encoding, int channels,
                                         int sampleRate, int framesPerChunk, long startMillis) {
        if (channels < 1 || sampleRate < 1 || framesPerChunk < 1) {
            throw new IllegalArgumentException("channels, sample rate and frames per chunk must be positive, got "
                    + channels + ", " + sampleRate + ", " + framesPerChunk);
        }
        int frameBytes = channels * bytesPerSample(encoding);
        if (samples.length % frameBytes != 0) {
            throw new IllegalArgumentException(samples.length + " bytes are not whole frames of " + frameBytes + " bytes");
        }
        long frames = samples.length / frameBytes;
        List<AudioChunk> chunks = new ArrayList<>();
        for (long from = 0, sequence = 0; from < frames; from += framesPerChunk, sequence++) {
            int length = (int) Math.min(framesPerChunk, frames - from) * frameBytes;
            chunks.add(AudioChunk.newBuilder()
                    .setStreamId(streamId)
                    .setSequence(sequence)
                    .setEventTime(Instant.ofEpochMilli(startMillis + from * 1000 / sampleRate))
                    .setSampleRate(sampleRate)
                    .setChannels(channels)
                    .setEncoding(encoding)
                    .setSamples(ByteBuffer.wrap(samples, (int) from * frameBytes, length).slice())
                    .build());
        }
        return chunks;
    }

    /** The Kafka record key of a chunk: its stream id in UTF-8, so that a stream stays on one partition. */
    public static byte[] key(AudioChunk chunk) {
        return chunk.getStreamId().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** The chunk that ends a stream: the next sequence number, no samples, {@code end_of_stream} set. */
    public static AudioChunk endOf(AudioChunk last) {
        long frames = last.getSamples().remaining() / ((long) last.getChannels() * bytesPerSample(last.getEncoding()));
        return AudioChunk.newBuilder(last)
                .setSequence(last.getSequence() + 1)
                .setEventTime(last.getEventTime().plusMillis(frames * 1000 / last.getSampleRate()))
                .setSamples(ByteBuffer.allocate(0))
                .setEndOfStream(true)
                .build();
    }
}
