package dev.hark.audio;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.UnsupportedAudioFileException;

/** Reads WAV files of any PCM layout as mono floats, and writes 16-bit mono WAVs. */
public final class WavFile {
    private WavFile() {
    }

    /** Mono samples in [-1, 1] and their rate. */
    public record Audio(float[] samples, int sampleRate) {
        public double seconds() {
            return samples.length / (double) sampleRate;
        }

        /** The samples at {@code rate}: as they are, or resampled by the front end's {@link Resampler}. */
        public float[] samplesAt(int rate) {
            return rate == sampleRate ? samples : new Resampler(sampleRate, rate).resample(samples);
        }
    }

    public static Audio read(Path path) throws IOException {
        try (InputStream in = Files.newInputStream(path)) {
            return read(new java.io.BufferedInputStream(in), path.toString());
        }
    }

    public static Audio read(InputStream in, String name) throws IOException {
        try (AudioInputStream source = AudioSystem.getAudioInputStream(in)) {
            AudioFormat format = source.getFormat();
            int channels = format.getChannels();
            int rate = Math.round(format.getSampleRate());
            SampleFormat sampleFormat;
            AudioInputStream stream;
            if (format.getEncoding() == AudioFormat.Encoding.PCM_FLOAT && format.getSampleSizeInBits() == 32
                    && !format.isBigEndian()) {
                sampleFormat = SampleFormat.FLOAT32LE;
                stream = source;
            } else {
                AudioFormat pcm16 = new AudioFormat(AudioFormat.Encoding.PCM_SIGNED, format.getSampleRate(), 16,
                        channels, 2 * channels, format.getSampleRate(), false);
                sampleFormat = SampleFormat.PCM_S16LE;
                stream = format.matches(pcm16) ? source : AudioSystem.getAudioInputStream(pcm16, source);
            }
            byte[] bytes = stream.readAllBytes();
            if (bytes.length == 0) {
                throw new IOException(name + ": the WAV file holds no samples");
            }
            return new Audio(PcmDecoder.decodeMono(bytes, sampleFormat, channels), rate);
        } catch (UnsupportedAudioFileException | IllegalArgumentException e) {
            throw new IOException(name + ": not a readable WAV file (" + e.getMessage() + ")", e);
        }
    }

    /** Writes mono samples as a 16-bit PCM WAV, clipping to [-1, 1). */
    public static void write(Path path, float[] samples, int sampleRate) throws IOException {
        byte[] pcm = PcmDecoder.encodePcm16(samples);
        AudioFormat format = new AudioFormat(sampleRate, 16, 1, true, false);
        try (AudioInputStream stream = new AudioInputStream(new ByteArrayInputStream(pcm), format, samples.length)) {
            Path parent = path.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            AudioSystem.write(stream, AudioFileFormat.Type.WAVE, path.toFile());
        }
    }
}
