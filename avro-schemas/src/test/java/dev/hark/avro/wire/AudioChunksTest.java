package dev.hark.avro.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hark.avro.AudioChunk;
import dev.hark.avro.SampleEncoding;
import java.io.ByteArrayOutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

class AudioChunksTest {

    @Test
    void cutsWholeFramesWithSequenceNumbersAndEventTimes() throws Exception {
        byte[] stereo = new byte[2 * 2 * 2500]; // 2500 frames of 16-bit stereo at 1 kHz: 2.5 s
        for (int i = 0; i < stereo.length; i++) {
            stereo[i] = (byte) i;
        }
        List<AudioChunk> chunks = AudioChunks.split("mic", stereo, SampleEncoding.PCM_S16LE, 2, 1000, 1000, 5_000);
        assertEquals(3, chunks.size());
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        for (int i = 0; i < chunks.size(); i++) {
            AudioChunk c = chunks.get(i);
            assertEquals(i, c.getSequence());
            assertEquals(5_000 + 1000L * i, c.getEventTime().toEpochMilli());
            assertEquals("mic", c.getStreamId());
            assertArrayEquals("mic".getBytes(java.nio.charset.StandardCharsets.UTF_8), AudioChunks.key(c));
            byte[] bytes = new byte[c.getSamples().remaining()];
            c.getSamples().duplicate().get(bytes);
            joined.write(bytes);
            // Each chunk survives the wire on its own.
            AudioChunk decoded = WireFormat.decode(WireFormat.encode(c, AudioChunk.getEncoder()), AudioChunk.getDecoder(), "AudioChunk");
            assertEquals(bytes.length, decoded.getSamples().remaining());
        }
        assertEquals(4000, chunks.get(0).getSamples().remaining());
        assertEquals(2000, chunks.get(2).getSamples().remaining(), "the last chunk holds what is left");
        assertArrayEquals(stereo, joined.toByteArray());

        AudioChunk end = AudioChunks.endOf(chunks.get(2));
        assertEquals(3, end.getSequence());
        assertEquals(7_500, end.getEventTime().toEpochMilli(), "just after the last sample");
        assertEquals(0, end.getSamples().remaining());
        assertTrue(end.getEndOfStream());
    }

    @Test
    void refusesPartialFrames() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AudioChunks.split("mic", new byte[6], SampleEncoding.FLOAT32LE, 1, 16000, 160, 0));
        assertTrue(e.getMessage().contains("not whole frames of 4 bytes"), e.getMessage());
    }
}
