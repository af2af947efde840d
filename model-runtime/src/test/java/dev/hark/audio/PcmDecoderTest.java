package dev.hark.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class PcmDecoderTest {

    @Test
    void decodesPcm16AndRoundTrips() {
        float[] samples = {0f, 0.5f, -0.5f, -1f, 0.999f};
        float[] back = PcmDecoder.decodeMono(PcmDecoder.encodePcm16(samples), SampleFormat.PCM_S16LE, 1);
        assertArrayEquals(samples, back, 1f / 32768);
    }

    @Test
    void downmixesInterleavedFloatChannels() {
        ByteBuffer b = ByteBuffer.allocate(4 * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.putFloat(1f).putFloat(0f).putFloat(-0.5f).putFloat(0.25f);
        assertArrayEquals(new float[] {0.5f, -0.125f}, PcmDecoder.decodeMono(b.array(), SampleFormat.FLOAT32LE, 2));
    }

    @Test
    void rejectsBadInputWithAReason() {
        assertEquals("ODD_BYTE_COUNT", assertThrows(InvalidAudioException.class,
                () -> PcmDecoder.decodeMono(new byte[3], SampleFormat.PCM_S16LE, 1)).reason());
        assertEquals("ODD_BYTE_COUNT", assertThrows(InvalidAudioException.class,
                () -> PcmDecoder.decodeMono(new byte[4], SampleFormat.PCM_S16LE, 3)).reason());
        assertEquals("BAD_CHANNELS", assertThrows(InvalidAudioException.class,
                () -> PcmDecoder.decodeMono(new byte[4], SampleFormat.PCM_S16LE, 0)).reason());
        assertEquals("EMPTY_AUDIO", assertThrows(InvalidAudioException.class,
                () -> PcmDecoder.decodeMono(new byte[0], SampleFormat.PCM_S16LE, 1)).reason());
        byte[] nan = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(Float.NaN).array();
        assertEquals("NON_FINITE_SAMPLE", assertThrows(InvalidAudioException.class,
                () -> PcmDecoder.decodeMono(nan, SampleFormat.FLOAT32LE, 1)).reason());
    }
}
