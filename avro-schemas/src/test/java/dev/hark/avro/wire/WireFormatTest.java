package dev.hark.avro.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.hark.avro.AudioChunk;
import dev.hark.avro.DeadLetter;
import dev.hark.avro.InferenceTimings;
import dev.hark.avro.LabelScore;
import dev.hark.avro.Prediction;
import dev.hark.avro.SampleEncoding;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.avro.SchemaNormalization;
import org.junit.jupiter.api.Test;

class WireFormatTest {
    private static AudioChunk chunk() {
        return AudioChunk.newBuilder().setStreamId("mic-1").setSequence(42)
                .setEventTime(Instant.ofEpochMilli(1_700_000_000_123L)).setSampleRate(16000).setChannels(2)
                .setEncoding(SampleEncoding.PCM_S16LE).setSamples(ByteBuffer.wrap(new byte[] {1, 2, 3, 4}))
                .setMetadata(Map.of("room", "kitchen")).build();
    }

    @Test
    void framesWithMarkerAndFingerprintAndRoundTrips() throws Exception {
        byte[] bytes = WireFormat.encode(chunk(), AudioChunk.getEncoder());
        assertEquals((byte) 0xC3, bytes[0]);
        assertEquals((byte) 0x01, bytes[1]);
        long fingerprint = ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(SchemaNormalization.parsingFingerprint64(AudioChunk.getClassSchema()), fingerprint);
        assertEquals(chunk(), WireFormat.decode(bytes, AudioChunk.getDecoder(), "AudioChunk"));
    }

    @Test
    void predictionAndDeadLetterRoundTrip() throws Exception {
        Prediction p = Prediction.newBuilder().setStreamId("s").setWindowIndex(3)
                .setWindowStart(Instant.ofEpochMilli(1000)).setWindowEnd(Instant.ofEpochMilli(2000))
                .setModelName("keywords").setModelVersion("1")
                .setTop(List.of(new LabelScore("yes", 0.9f), new LabelScore("no", 0.1f)))
                .setTimings(new InferenceTimings(120L, 1, Instant.ofEpochMilli(2001), Instant.ofEpochMilli(2002)))
                .build();
        assertEquals(p, WireFormat.decode(WireFormat.encode(p, Prediction.getEncoder()), Prediction.getDecoder(), "Prediction"));
        DeadLetter d = DeadLetter.newBuilder().setSourceTopic("t").setSourcePartition(1).setSourceOffset(9)
                .setKey(null).setValue(ByteBuffer.wrap(new byte[] {9})).setReason("MALFORMED_AVRO").setMessage("m")
                .setTime(Instant.ofEpochMilli(5)).build();
        assertEquals(d, WireFormat.decode(WireFormat.encode(d, DeadLetter.getEncoder()), DeadLetter.getDecoder(), "DeadLetter"));
    }

    @Test
    void saysWhatIsWrongWithBadBytes() {
        byte[] good = WireFormat.encode(chunk(), AudioChunk.getEncoder());

        assertFailure(WireFormat.Failure.EMPTY_RECORD, null);
        assertFailure(WireFormat.Failure.EMPTY_RECORD, new byte[] {(byte) 0xC3, 1, 0});
        assertFailure(WireFormat.Failure.NOT_SINGLE_OBJECT_ENCODED, "plain text, not avro".getBytes());

        byte[] otherSchema = good.clone();
        otherSchema[5] ^= 0x55;
        assertFailure(WireFormat.Failure.UNKNOWN_SCHEMA, otherSchema);

        assertFailure(WireFormat.Failure.MALFORMED_AVRO, Arrays.copyOf(good, 14));
        byte[] hugeLength = Arrays.copyOf(good, good.length);
        hugeLength[10] = (byte) 0xFF; // stream_id length: a long varint that never ends sensibly
        hugeLength[11] = (byte) 0xFF;
        hugeLength[12] = (byte) 0xFF;
        hugeLength[13] = (byte) 0xFF;
        hugeLength[14] = (byte) 0x0F;
        assertFailure(WireFormat.Failure.MALFORMED_AVRO, hugeLength);
    }

    private static void assertFailure(WireFormat.Failure expected, byte[] bytes) {
        WireFormat.DecodeException e = assertThrows(WireFormat.DecodeException.class,
                () -> WireFormat.decode(bytes, AudioChunk.getDecoder(), "AudioChunk"));
        assertEquals(expected, e.failure(), e.getMessage());
    }

    @Test
    void encodeIsDeterministic() {
        assertArrayEquals(WireFormat.encode(chunk(), AudioChunk.getEncoder()), WireFormat.encode(chunk(), AudioChunk.getEncoder()));
    }
}
