package dev.hark.data;

import dev.hark.audio.WavFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Loads a dataset in Speech Commands layout (so the real Speech Commands v0.02 works as is): folders named after a
 * keyword label hold that label, other word folders become {@code _unknown_}, and {@code _silence_} clips are cut
 * from {@code _background_noise_/}. Splits come from {@code validation_list.txt} and {@code testing_list.txt}.
 */
public final class KeywordDataset {
    public static final String UNKNOWN = "_unknown_";
    public static final String SILENCE = "_silence_";

    public enum Split { TRAIN, VALIDATION, TEST }

    /** One clip of exactly one second (shorter clips are padded with low noise, longer ones cut). */
    public record Example(String label, Split split, float[] samples, String source) {
    }

    private final List<Example> examples;
    private final List<float[]> backgroundNoise;

    private KeywordDataset(List<Example> examples, List<float[]> backgroundNoise) {
        this.examples = examples;
        this.backgroundNoise = backgroundNoise;
    }

    public List<Example> examples() {
        return examples;
    }

    public List<Example> split(Split split) {
        return examples.stream().filter(e -> e.split() == split).toList();
    }

    public List<float[]> backgroundNoise() {
        return backgroundNoise;
    }

    /**
     * @param labels     the model's labels; may include {@link #UNKNOWN} and {@link #SILENCE}
     * @param sampleRate the rate every clip must have
     */
    public static KeywordDataset load(Path dir, List<String> labels, int sampleRate, long seed) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException("dataset folder " + dir + " does not exist; create one with: bin/hark synth --out " + dir);
        }
        Set<String> validation = readList(dir.resolve("validation_list.txt"));
        Set<String> testing = readList(dir.resolve("testing_list.txt"));
        List<Example> examples = new ArrayList<>();
        List<float[]> noise = new ArrayList<>();
        Random random = new Random(seed);
        List<Path> folders;
        try (Stream<Path> s = Files.list(dir)) {
            folders = s.filter(Files::isDirectory).sorted().toList();
        }
        for (Path folder : folders) {
            String name = folder.getFileName().toString();
            boolean background = name.equals(DatasetSynthesizer.BACKGROUND_NOISE);
            String label = labels.contains(name) ? name : UNKNOWN;
            if (!background && !labels.contains(label)) {
                continue;
            }
            List<Path> wavs;
            try (Stream<Path> s = Files.list(folder)) {
                wavs = s.filter(p -> p.toString().endsWith(".wav")).sorted().toList();
            }
            for (Path wav : wavs) {
                WavFile.Audio audio = WavFile.read(wav);
                if (audio.sampleRate() != sampleRate) {
                    throw new IOException(wav + " has sample rate " + audio.sampleRate() + " Hz; this dataset needs " + sampleRate);
                }
                if (background) {
                    noise.add(audio.samples());
                    continue;
                }
                String relative = name + "/" + wav.getFileName();
                Split split = testing.contains(relative) ? Split.TEST
                        : validation.contains(relative) ? Split.VALIDATION : Split.TRAIN;
                examples.add(new Example(label, split, fitToLength(audio.samples(), sampleRate, random), relative));
            }
        }
        if (examples.isEmpty()) {
            throw new IOException("no WAV clips in label folders under " + dir);
        }
        if (labels.contains(SILENCE)) {
            if (noise.isEmpty()) {
                throw new IOException("label " + SILENCE + " needs WAVs in " + dir.resolve(DatasetSynthesizer.BACKGROUND_NOISE));
            }
            addSilence(examples, labels, noise, sampleRate, random);
        }
        for (String label : labels) {
            if (examples.stream().noneMatch(e -> e.label().equals(label) && e.split() == Split.TRAIN)) {
                throw new IOException("label '" + label + "' has no training examples in " + dir);
            }
        }
        return new KeywordDataset(List.copyOf(examples), List.copyOf(noise));
    }

    /** Silence examples: background noise at random levels, as many per split as an average keyword has. */
    private static void addSilence(List<Example> examples, List<String> labels, List<float[]> noise, int rate, Random random) {
        for (Split split : Split.values()) {
            long count = examples.stream().filter(e -> e.split() == split).count();
            int perLabel = (int) Math.max(1, count / Math.max(1, labels.size()));
            for (int i = 0; i < perLabel; i++) {
                float[] source = noise.get(random.nextInt(noise.size()));
                int start = random.nextInt(Math.max(1, source.length - rate));
                float[] clip = fitToLength(java.util.Arrays.copyOfRange(source, start, Math.min(source.length, start + rate)), rate, random);
                double level = random.nextDouble() < 0.2 ? 0.0 : Math.pow(10, -3 + 2.5 * random.nextDouble());
                Noise.scaleToRms(clip, level);
                float[] floor = Noise.generate(Noise.Colour.WHITE, rate, 2e-4, random);
                for (int j = 0; j < rate; j++) {
                    clip[j] += floor[j];
                }
                examples.add(new Example(SILENCE, split, clip, "silence#" + split + "#" + i));
            }
        }
    }

    /** Pads with low noise (never digital zeros) or cuts the middle to exactly {@code length} samples. */
    static float[] fitToLength(float[] x, int length, Random random) {
        if (x.length == length) {
            return x;
        }
        if (x.length > length) {
            int start = (x.length - length) / 2;
            return java.util.Arrays.copyOfRange(x, start, start + length);
        }
        float[] out = Noise.generate(Noise.Colour.WHITE, length, 2e-4, random);
        int offset = (length - x.length) / 2;
        for (int i = 0; i < x.length; i++) {
            out[offset + i] += x[i];
        }
        return out;
    }

    private static Set<String> readList(Path file) throws IOException {
        Set<String> set = new HashSet<>();
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    set.add(line.trim());
                }
            }
        }
        return set;
    }
}
