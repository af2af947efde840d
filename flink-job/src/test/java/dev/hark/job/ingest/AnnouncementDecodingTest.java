package dev.hark.job.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.hark.avro.AudioChunk;
import dev.hark.avro.ModelAnnouncement;
import dev.hark.avro.SampleEncoding;
import dev.hark.avro.wire.WireFormat;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class AnnouncementDecodingTest {
    private static RawRecord raw(byte[] value) {
        return new RawRecord("control", 0, 5, 1000, null, value);
    }

    private static byte[] announcement(String location, String expectedVersion) {
        return WireFormat.encode(ModelAnnouncement.newBuilder().setLocation(location).setExpectedVersion(expectedVersion)
                .setAnnouncedAt(Instant.ofEpochMilli(42)).build(), ModelAnnouncement.getEncoder());
    }

    private static String reason(RawRecord raw) {
        return assertThrows(ChunkDecoding.Rejected.class, () -> AnnouncementDecoding.decode(raw)).reason();
    }

    @Test
    void decodesAnAnnouncement() throws Exception {
        ModelAnnouncement a = AnnouncementDecoding.decode(raw(announcement("s3://models/keywords", "3")));
        assertEquals("s3://models/keywords", a.getLocation());
        assertEquals("3", a.getExpectedVersion());
        assertEquals(Instant.ofEpochMilli(42), a.getAnnouncedAt());
    }

    @Test
    void rejectsWithReasons() {
        assertEquals("NOT_SINGLE_OBJECT_ENCODED", reason(raw("{\"location\": \"/models\"}".getBytes())));
        assertEquals("EMPTY_RECORD", reason(raw(null)));
        byte[] good = announcement("/models/keywords", null);
        assertEquals("MALFORMED_AVRO", reason(raw(Arrays.copyOf(good, good.length - 5))));
        byte[] chunk = WireFormat.encode(AudioChunk.newBuilder().setStreamId("s").setSequence(0)
                .setEventTime(Instant.EPOCH).setSampleRate(16000).setChannels(1).setEncoding(SampleEncoding.PCM_S16LE)
                .setSamples(ByteBuffer.wrap(new byte[2])).build(), AudioChunk.getEncoder());
        assertEquals("UNKNOWN_SCHEMA", reason(raw(chunk)), "an audio chunk sent to the control topic by mistake");
        assertEquals("INVALID_ANNOUNCEMENT", reason(raw(announcement(" ", null))));
        assertEquals("INVALID_ANNOUNCEMENT", reason(raw(announcement("/models", ""))));
        assertEquals("OVERSIZED_PAYLOAD", reason(raw(new byte[AnnouncementDecoding.MAX_BYTES + 1])));
    }
}
