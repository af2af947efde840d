package dev.hark.data;

import dev.hark.audio.WavFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Writes a keyword dataset in the layout of Google's Speech Commands: one folder per word of 1 s, 16 kHz, mono,
 * 16-bit WAVs named {@code <speaker>_nohash_<n>.wav}, {@code _background_noise_/}, and
 * {@code validation_list.txt} / {@code testing_list.txt}. Whole espeak-ng voices (accents) are held out for
 * validation and testing, so scores measure generalisation to speakers never heard in training.
 */
public final class DatasetSynthesizer {
    public static final List<String> KEYWORDS = List.of("yes", "no", "up", "down", "left", "right", "on", "off", "stop", "go");
    /** Other words, for the _unknown_ label (several are in the real Speech Commands too). */
    public static final List<String> OTHER_WORDS = List.of(
            "bed", "bird", "cat", "dog", "happy", "house", "marvin", "sheila", "tree", "wow",
            "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
            "learn", "follow", "forward", "backward", "visual", "yellow", "nose", "top", "dawn", "light");
    public static final List<String> TEST_VOICES = List.of("en-gb-scotland", "en-us-nyc");
    public static final List<String> VALIDATION_VOICES = List.of("en-029");
    public static final int SAMPLE_RATE = 16000;
    public static final String BACKGROUND_NOISE = "_background_noise_";

    private final long seed;
    private final int variantsPerVoice;
    private final int threads;

    /**
     * @param variantsPerVoice how many voice variants (speakers) speak each keyword in each accent
     */
    public DatasetSynthesizer(long seed, int variantsPerVoice, int threads) {
        if (variantsPerVoice < 1 || variantsPerVoice > SpeechSynthesizer.VARIANTS.size()) {
            throw new IllegalArgumentException("variants must be in [1, " + SpeechSynthesizer.VARIANTS.size()
                    + "], got " + variantsPerVoice);
        }
        this.seed = seed;
        this.variantsPerVoice = variantsPerVoice;
        this.threads = Math.max(1, threads);
    }

    private record ClipJob(String word, String voice, String variant, int index, long seed) {
    }

    /** Synthesizes the whole dataset into {@code out}; returns the number of clips written. */
    public int write(Path out) throws IOException {
        SpeechSynthesizer.requireTools();
        Files.createDirectories(out);
        Random random = new Random(seed);
        List<ClipJob> jobs = new ArrayList<>();
        for (String voice : SpeechSynthesizer.VOICES) {
            List<String> variants = new ArrayList<>(SpeechSynthesizer.VARIANTS);
            for (String word : KEYWORDS) {
                Collections.shuffle(variants, random);
                for (int i = 0; i < variantsPerVoice; i++) {
                    jobs.add(new ClipJob(word, voice, variants.get(i), i, random.nextLong()));
                }
            }
            // _unknown_ is one label over many words; training balances the labels.
            int perWord = Math.max(1, variantsPerVoice / 4);
            for (String word : OTHER_WORDS) {
                Collections.shuffle(variants, random);
                for (int i = 0; i < perWord; i++) {
                    jobs.add(new ClipJob(word, voice, variants.get(i), i, random.nextLong()));
                }
            }
        }
        List<String> validation = new ArrayList<>();
        List<String> testing = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (ClipJob job : jobs) {
                results.add(pool.submit(() -> writeClip(out, job)));
            }
            for (int i = 0; i < results.size(); i++) {
                String relative = results.get(i).get();
                String voice = jobs.get(i).voice();
                if (TEST_VOICES.contains(voice)) {
                    testing.add(relative);
                } else if (VALIDATION_VOICES.contains(voice)) {
                    validation.add(relative);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
        // Speaker ids are hashes (Speech Commands style): say whose voice each one is, for per-voice accuracy.
        java.util.Set<String> speakers = new java.util.TreeSet<>();
        for (ClipJob job : jobs) {
            speakers.add(speakerOf(job) + "," + job.voice() + "," + job.variant());
        }
        List<String> speakerLines = new ArrayList<>(List.of("speaker,voice,variant"));
        speakerLines.addAll(speakers);
        Files.write(out.resolve(KeywordDataset.SPEAKERS_FILE), speakerLines, StandardCharsets.UTF_8);
        Collections.sort(validation);
        Collections.sort(testing);
        Files.write(out.resolve("validation_list.txt"), validation, StandardCharsets.UTF_8);
        Files.write(out.resolve("testing_list.txt"), testing, StandardCharsets.UTF_8);
        writeBackgroundNoise(out.resolve(BACKGROUND_NOISE), new Random(seed ^ 0x5DEECE66DL));
        return jobs.size();
    }

    private static String speakerOf(ClipJob job) {
        return Integer.toHexString((job.voice() + "+" + job.variant()).hashCode() & 0x7fffffff);
    }

    private String writeClip(Path out, ClipJob job) throws IOException {
        Random random = new Random(job.seed());
        SpeechSynthesizer synth = new SpeechSynthesizer(SAMPLE_RATE);
        int speed = 120 + random.nextInt(100);
        int pitch = 25 + random.nextInt(50);
        float[] speech = synth.speak(job.word(), job.voice(), job.variant(), speed, pitch);
        float[] clip = placeInSecond(speech, random);
        String speaker = speakerOf(job);
        String relative = job.word() + "/" + speaker + "_nohash_" + job.index() + ".wav";
        WavFile.write(out.resolve(relative), clip, SAMPLE_RATE);
        return relative;
    }

    /**
     * Puts speech at a random position in one second, at a random level, over a low noise floor: never digital
     * zeros, which a model would learn to use as a shortcut.
     */
    static float[] placeInSecond(float[] speech, Random random) {
        float[] trimmed = trimSilence(speech, 0.01f);
        if (trimmed.length > SAMPLE_RATE) {
            int start = (trimmed.length - SAMPLE_RATE) / 2;
            trimmed = java.util.Arrays.copyOfRange(trimmed, start, start + SAMPLE_RATE);
        }
        Noise.scaleToRms(trimmed, 0.03 + random.nextDouble() * 0.12);
        Noise.Colour colour = Noise.Colour.values()[random.nextInt(Noise.Colour.values().length)];
        float[] clip = Noise.generate(colour, SAMPLE_RATE, 0.0005 + random.nextDouble() * 0.003, random);
        int offset = random.nextInt(SAMPLE_RATE - trimmed.length + 1);
        for (int i = 0; i < trimmed.length; i++) {
            clip[offset + i] += trimmed[i];
        }
        return clip;
    }

    /** Cuts leading and trailing samples quieter than {@code threshold} times the peak. */
    static float[] trimSilence(float[] x, float threshold) {
        float peak = 0;
        for (float v : x) {
            peak = Math.max(peak, Math.abs(v));
        }
        float limit = peak * threshold;
        int start = 0;
        int end = x.length;
        while (start < end && Math.abs(x[start]) <= limit) {
            start++;
        }
        while (end > start && Math.abs(x[end - 1]) <= limit) {
            end--;
        }
        return java.util.Arrays.copyOfRange(x, start, end);
    }

    private static void writeBackgroundNoise(Path dir, Random random) throws IOException {
        for (Noise.Colour colour : Noise.Colour.values()) {
            float[] noise = Noise.generate(colour, 20 * SAMPLE_RATE, 0.05, random);
            WavFile.write(dir.resolve(colour.name().toLowerCase(java.util.Locale.ROOT) + "_noise.wav"), noise, SAMPLE_RATE);
        }
        // A hum with harmonics, like mains or a fan, so silence is not only broadband noise.
        float[] hum = new float[20 * SAMPLE_RATE];
        for (int i = 0; i < hum.length; i++) {
            double t = i / (double) SAMPLE_RATE;
            hum[i] = (float) (0.03 * Math.sin(2 * Math.PI * 50 * t) + 0.02 * Math.sin(2 * Math.PI * 100 * t)
                    + 0.01 * Math.sin(2 * Math.PI * 150 * t) + 0.005 * random.nextGaussian());
        }
        WavFile.write(dir.resolve("hum.wav"), hum, SAMPLE_RATE);
    }
}
