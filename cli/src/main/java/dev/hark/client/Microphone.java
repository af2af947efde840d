package dev.hark.client;

import java.util.Arrays;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.DataLine;
import javax.sound.sampled.LineUnavailableException;
import javax.sound.sampled.TargetDataLine;

/**
 * Live capture from the machine's default microphone (Java Sound), as 16-bit little-endian mono PCM at a fixed rate,
 * read a chunk at a time. Each chunk's event time is when its first sample was recorded: the capture's start plus
 * the samples read before it, so the clock does not drift with how fast chunks are read.
 */
public final class Microphone implements AutoCloseable {
    private final TargetDataLine line;
    private final int sampleRate;
    private final long startMillis;
    private long samplesRead;

    private Microphone(TargetDataLine line, int sampleRate, long startMillis) {
        this.line = line;
        this.sampleRate = sampleRate;
        this.startMillis = startMillis;
    }

    /** Opens and starts the default capture line; fails saying so when the machine has none. */
    public static Microphone open(int sampleRate) {
        AudioFormat format = new AudioFormat(sampleRate, 16, 1, true, false);
        DataLine.Info info = new DataLine.Info(TargetDataLine.class, format);
        if (!AudioSystem.isLineSupported(info)) {
            throw new IllegalStateException("this machine has no microphone that records " + sampleRate
                    + " Hz 16-bit mono (Java Sound found no capture line): connect one, or send WAV files instead");
        }
        try {
            TargetDataLine line = (TargetDataLine) AudioSystem.getLine(info);
            line.open(format);
            line.start();
            return new Microphone(line, sampleRate, System.currentTimeMillis());
        } catch (LineUnavailableException | IllegalArgumentException | SecurityException e) {
            throw new IllegalStateException("cannot record from the microphone: " + e.getMessage());
        }
    }

    public int sampleRate() {
        return sampleRate;
    }

    /** When the first sample of the next chunk was recorded. */
    public long nextChunkMillis() {
        return startMillis + samplesRead * 1000 / sampleRate;
    }

    /** Blocks until {@code samples} samples are recorded; returns them as 16-bit little-endian PCM. */
    public byte[] read(int samples) {
        byte[] pcm = new byte[samples * 2];
        int filled = 0;
        while (filled < pcm.length) {
            int n = line.read(pcm, filled, pcm.length - filled);
            if (n <= 0) {
                break; // the line was closed
            }
            filled += n;
        }
        samplesRead += filled / 2;
        return filled == pcm.length ? pcm : Arrays.copyOf(pcm, filled - filled % 2);
    }

    @Override
    public void close() {
        line.stop();
        line.close();
    }
}
