package dev.hark.audio;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Turns interleaved little-endian sample bytes into mono floats, refusing anything that is not clean audio. */
public final class PcmDecoder {
    /** Upper bound on channels: beyond this a header is corrupt, not a real device. */
    public static final int MAX_CHANNELS = 64;

    private PcmDecoder() {
    }

    /** Decodes and averages the channels of each frame into one mono sample. */
    public static float[] decodeMono(byte[] bytes, SampleFormat format, int channels) {
        if (format == null) {
            throw new InvalidAudioException("UNKNOWN_ENCODING", "sample encoding is missing; use PCM_S16LE or FLOAT32LE");
        }
        if (channels < 1 || channels > MAX_CHANNELS) {
            throw new InvalidAudioException("BAD_CHANNELS",
                    "channel count " + channels + " is outside [1, " + MAX_CHANNELS + "]");
        }
        if (bytes == null || bytes.length == 0) {
            throw new InvalidAudioException("EMPTY_AUDIO", "the chunk carries no samples");
        }
        int frameBytes = format.bytesPerSample() * channels;
        if (bytes.length % frameBytes != 0) {
            throw new InvalidAudioException("ODD_BYTE_COUNT", bytes.length + " bytes is not a whole number of "
                    + channels + "-channel " + format + " frames (" + frameBytes + " bytes each)");
        }
        int frames = bytes.length / frameBytes;
        float[] mono = new float[frames];
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        float scale = 1f / channels;
        for (int i = 0; i < frames; i++) {
            float sum = 0f;
            for (int c = 0; c < channels; c++) {
                float x;
                if (format == SampleFormat.PCM_S16LE) {
                    x = buffer.getShort() / 32768f;
                } else {
                    x = buffer.getFloat();
                    if (!Float.isFinite(x)) {
                        throw new InvalidAudioException("NON_FINITE_SAMPLE",
                                "sample " + (i * channels + c) + " is " + x + "; float samples must be finite");
                    }
                }
                sum += x;
            }
            mono[i] = channels == 1 ? sum : sum * scale;
        }
        return mono;
    }

    /** Encodes mono floats as 16-bit little-endian PCM, clipping to the int16 range. */
    public static byte[] encodePcm16(float[] samples) {
        ByteBuffer buffer = ByteBuffer.allocate(samples.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : samples) {
            buffer.putShort((short) Math.max(-32768, Math.min(32767, Math.round(x * 32768f))));
        }
        return buffer.array();
    }
}
