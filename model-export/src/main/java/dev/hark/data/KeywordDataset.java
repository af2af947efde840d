package dev.hark.data;

import dev.hark.audio.WavFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Loads a dataset in Speech Commands layout (so the real Speech Commands v0.02 works as is): folders named after a
 * keyword label hold that label, other word folders become {@code _unknown_}, and {@code _silence_} clips are cut
 * from {@code _background_noise_/}. Splits come from {@code validation_list.txt} and {@code testing_list.txt}.
 */
public final class KeywordDataset {
    /** Words that are none of the labels: the model contract's background label for them. */
    public static final String UNKNOWN = dev.hark.model.ModelContract.UNKNOWN;
    public static final String SILENCE = dev.hark.model.ModelContract.SILENCE;

    public enum Split { TRAIN, VALIDATION, TEST }

    /** One clip of exactly one second (shorter clips are padded with low noise, longer ones cut). */
    public record Example(String label, Split split, float[] samples, String source) {
    }

    /** What {@code bin/hark synth} writes beside its clips: {@code speaker,voice,variant} per line. */
    public static final String SPEAKERS_FILE = "speakers.csv";

    private final List<Example> examples;
    private final List<float[]> backgroundNoise;
    /** Speaker (the file name part before {@code _nohash_}) to a readable voice name, where the dataset says. */
    private Map<String, String> voices = Map.of();

    private KeywordDataset(List<Example> examples, List<float[]> backgroundNoise) {
        this.examples = examples;
        this.backgroundNoise = backgroundNoise;
    }

    /**
     * The voice of a clip, for per-voice accuracy: the voice a synthesized dataset's {@value #SPEAKERS_FILE} names
     * for its speaker, else the speaker part of its file name (Speech Commands' speaker id); null for clips with no
     * speaker (silence cut from background noise).
     */
    public String voiceOf(Example example) {
        String file = example.source().substring(example.source().lastIndexOf('/') + 1);
        if (!file.contains("_nohash_")) {
            return null;
        }
        String speaker = file.substring(0, file.indexOf("_nohash_"));
        return voices.getOrDefault(speaker, speaker);
    }

    /** Reads {@value #SPEAKERS_FILE} of a dataset folder, where there is one. */
    private KeywordDataset withVoicesFrom(Path dir) throws IOException {
        Path file = dir.resolve(SPEAKERS_FILE);
        if (Files.isRegularFile(file)) {
            Map<String, String> map = new java.util.HashMap<>();
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String[] cells = line.split(",");
                if (cells.length >= 2 && !cells[0].equals("speaker")) {
                    map.put(cells[0].trim(), cells[1].trim());
                }
            }
            voices = Map.copyOf(map);
        }
        return this;
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

    /** What a dataset is loaded for: training needs examples of every label in its training split; evaluation not. */
    public enum Use { TRAINING, EVALUATION }

    /** For training: see {@link #load(Path, List, int, long, Use)}. */
    public static KeywordDataset load(Path dir, List<String> labels, int sampleRate, long seed) throws IOException {
        return load(dir, labels, sampleRate, seed, Use.TRAINING);
    }

    /**
     * A Speech Commands style folder, or a CSV of {@code path,label}. {@code _silence_} clips come from a
     * {@code _silence_/} folder where there is one (the test set's layout), else are cut from
     * {@code _background_noise_/}; word folders outside the labels, and an {@code _unknown_/} folder, are
     * {@code _unknown_}. For {@link Use#EVALUATION} no label needs training examples, a label without clips is just
     * not scored, and every clip of a CSV is in the test split: a CSV given to evaluate is scored whole.
     *
     * @param labels     the model's labels; may include {@link #UNKNOWN} and {@link #SILENCE}
     * @param sampleRate the rate every clip must have
     */
    public static KeywordDataset load(Path dir, List<String> labels, int sampleRate, long seed, Use use) throws IOException {
        if (Files.isRegularFile(dir) && dir.toString().endsWith(".csv")) {
            return loadCsv(dir, labels, sampleRate, seed, use);
        }
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
        boolean silenceClips = examples.stream().anyMatch(e -> e.label().equals(SILENCE));
        if (labels.contains(SILENCE) && !silenceClips) {
            if (!noise.isEmpty()) {
                addSilence(examples, labels, noise, sampleRate, random);
            } else if (use == Use.TRAINING) {
                throw new IOException("label " + SILENCE + " needs WAVs in " + dir.resolve(SILENCE) + " or in "
                        + dir.resolve(DatasetSynthesizer.BACKGROUND_NOISE));
            }
        }
        if (use == Use.TRAINING) {
            requireTrainingExamples(examples, labels, dir);
        }
        return new KeywordDataset(List.copyOf(examples), List.copyOf(noise)).withVoicesFrom(dir);
    }

    /**
     * Loads clips listed in a CSV of {@code path,label} lines (paths relative to the CSV; an optional header line
     * {@code path,label}). Labels outside {@code labels} count as {@link #UNKNOWN}. Each clip's split follows a
     * stable hash of its file name's speaker part (before {@code _nohash_}), about 10% validation and 10% test, so a
     * speaker never straddles splits.
     */
    public static KeywordDataset loadCsv(Path csv, List<String> labels, int sampleRate, long seed) throws IOException {
        return loadCsv(csv, labels, sampleRate, seed, Use.TRAINING);
    }

    /** As above; for {@link Use#EVALUATION} every clip is in the test split and no label needs training examples. */
    public static KeywordDataset loadCsv(Path csv, List<String> labels, int sampleRate, long seed, Use use) throws IOException {
        Path base = csv.toAbsolutePath().getParent();
        List<Example> examples = new ArrayList<>();
        Random random = new Random(seed);
        int lineNumber = 0;
        for (String line : Files.readAllLines(csv, StandardCharsets.UTF_8)) {
            lineNumber++;
            if (line.isBlank() || (lineNumber == 1 && line.trim().equalsIgnoreCase("path,label"))) {
                continue;
            }
            String[] cells = line.split(",");
            if (cells.length != 2 || cells[0].isBlank() || cells[1].isBlank()) {
                throw new IOException(csv + " line " + lineNumber + ": expected 'path,label', got '" + line + "'");
            }
            String label = labels.contains(cells[1].trim()) ? cells[1].trim() : UNKNOWN;
            if (!labels.contains(label)) {
                continue;
            }
            Path wav = base.resolve(cells[0].trim());
            WavFile.Audio audio = WavFile.read(wav);
            if (audio.sampleRate() != sampleRate) {
                throw new IOException(wav + " has sample rate " + audio.sampleRate() + " Hz; this dataset needs " + sampleRate);
            }
            examples.add(new Example(label, use == Use.EVALUATION ? Split.TEST : splitOf(wav.getFileName().toString()),
                    fitToLength(audio.samples(), sampleRate, random), cells[0].trim()));
        }
        if (examples.isEmpty()) {
            throw new IOException("no clips listed in " + csv);
        }
        if (use == Use.TRAINING) {
            requireTrainingExamples(examples, labels, csv);
        }
        return new KeywordDataset(List.copyOf(examples), List.of());
    }

    /** Speech Commands style split from the speaker part of a file name: about 10% validation, 10% test. */
    static Split splitOf(String fileName) {
        String speaker = fileName.contains("_nohash_") ? fileName.substring(0, fileName.indexOf("_nohash_")) : fileName;
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(speaker.getBytes(StandardCharsets.UTF_8));
        long bucket = crc.getValue() % 100;
        return bucket < 10 ? Split.VALIDATION : bucket < 20 ? Split.TEST : Split.TRAIN;
    }

    private static void requireTrainingExamples(List<Example> examples, List<String> labels, Path source) throws IOException {
        for (String label : labels) {
            if (examples.stream().noneMatch(e -> e.label().equals(label) && e.split() == Split.TRAIN)) {
                throw new IOException("label '" + label + "' has no training examples in " + source);
            }
        }
    }

    /** Silence examples: background noise at random levels, as many per split as an average keyword has. */
    private static void addSilence(List<Example> examples, List<String> labels, List<float[]> noise, int rate, Random random) {
        for (Split split : Split.values()) {
            long count = examples.stream().filter(e -> e.split() == split).count();
            if (count == 0) {
                continue; // a split the dataset does not have stays empty
            }
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
