package dev.hark.job.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.hark.avro.AudioChunk;
import dev.hark.avro.DeadLetter;
import dev.hark.avro.SampleEncoding;
import dev.hark.avro.wire.WireFormat;
import java.nio.ByteBuffer;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ChunkDecodingTest {
    private final ChunkDecoding decoding = new ChunkDecoding(16000, 1024);

    private static RawRecord raw(byte[] value) {
        return new RawRecord("audio", 2, 77, 1000, "s".getBytes(), value);
    }

    private static byte[] chunk(int rate, int channels, byte[] samples) {
        return WireFormat.encode(AudioChunk.newBuilder().setStreamId("s").setSequence(3)
                .setEventTime(Instant.ofEpochMilli(5000)).setSampleRate(rate).setChannels(channels)
                .setEncoding(SampleEncoding.PCM_S16LE).setSamples(ByteBuffer.wrap(samples)).build(), AudioChunk.getEncoder());
    }

    @Test
    void decodesAValidChunk() throws Exception {
        AudioChunkEvent event = decoding.decode(raw(chunk(16000, 2, new byte[] {0, 64, 0, 0, 0, (byte) 192, 0, 0})));
        assertEquals("s", event.streamId);
        assertEquals(3, event.sequence);
        assertEquals(5000, event.eventTime);
        assertArrayEquals(new float[] {0.25f, -0.25f}, event.samples);
    }

    @Test
    void acceptsCommonRatesForResampling() throws Exception {
        for (int rate : new int[] {8000, 11025, 22050, 32000, 44100, 48000}) {
            assertEquals(rate, decoding.decode(raw(chunk(rate, 1, new byte[4]))).sampleRate);
        }
    }

    @Test
    void rejectsWithReasons() {
        assertEquals("NOT_SINGLE_OBJECT_ENCODED", reason(raw("garbage bytes here".getBytes())));
        assertEquals("EMPTY_RECORD", reason(raw(null)));
        assertEquals("UNSUPPORTED_SAMPLE_RATE", reason(raw(chunk(44099, 1, new byte[4]))));
        assertEquals("BAD_SAMPLE_RATE", reason(raw(chunk(0, 1, new byte[4]))));
        assertEquals("BAD_SAMPLE_RATE", reason(raw(chunk(10_000_000, 1, new byte[4]))));
        assertEquals("ODD_BYTE_COUNT", reason(raw(chunk(16000, 1, new byte[3]))));
        assertEquals("BAD_CHANNELS", reason(raw(chunk(16000, 0, new byte[4]))));
        assertEquals("OVERSIZED_PAYLOAD", reason(raw(chunk(16000, 1, new byte[2000]))));
    }

    @Test
    void deadLetterPointsBackAtTheRecord() {
        RawRecord raw = raw("garbage bytes here".getBytes());
        ChunkDecoding.Rejected rejected = assertThrows(ChunkDecoding.Rejected.class, () -> decoding.decode(raw));
        DeadLetter d = ChunkDecoding.deadLetter(raw, rejected, 123);
        assertEquals("audio", d.getSourceTopic());
        assertEquals(2, d.getSourcePartition());
        assertEquals(77, d.getSourceOffset());
        assertEquals(ByteBuffer.wrap(raw.value), d.getValue());
        assertEquals(rejected.getMessage(), d.getMessage());
    }

    @Test
    void rejectsEventTimesAheadOfTheClockAndKeepsTheRecordsPlace() throws Exception {
        ChunkDecoding.Rejected ahead = assertThrows(ChunkDecoding.Rejected.class,
                () -> decoding.decode(raw(chunk(16000, 1, new byte[4])), 5000 - 60_001));
        assertEquals(ChunkDecoding.EVENT_TIME_AHEAD_OF_CLOCK, ahead.reason());
        AudioChunkEvent onTime = decoding.decode(raw(chunk(16000, 1, new byte[4])), 5000 - 60_000);
        assertEquals("audio", onTime.sourceTopic);
        assertEquals(2, onTime.sourcePartition);
        assertEquals(77, onTime.sourceOffset);
        DeadLetter later = ChunkDecoding.deadLetter(onTime, "SOME_REASON", "why", 9);
        assertEquals(77, later.getSourceOffset());
        assertEquals("SOME_REASON", later.getReason());
        assertEquals(ByteBuffer.wrap("s".getBytes()), later.getKey());
    }

    private String reason(RawRecord raw) {
        return assertThrows(ChunkDecoding.Rejected.class, () -> decoding.decode(raw)).reason();
    }
}
