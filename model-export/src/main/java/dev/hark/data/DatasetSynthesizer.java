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
import java.util.stream.Stream;

/**
 * Writes a keyword dataset in the layout of Google's Speech Commands: one folder per word of 1 s, 16 kHz, mono,
 * 16-bit WAVs named {@code <speaker>_nohash_<n>.wav}, {@code _background_noise_/}, and
 * {@code validation_list.txt} / {@code testing_list.txt}.
 *
 * <p>Training speakers are mostly made up ({@link RandomVoice}: vocal-tract length, formants, pitch, voice source)
 * and heard through a random room and channel ({@link RandomRoom}), so that a model learns the words rather than
 * espeak-ng's few voices. Where espeak-ng's MBROLA voices are installed ({@link MbrolaVoices}), a share of training
 * clips ({@link #MBROLA_SHARE}) is spoken by them: voices joined from recordings of people, which a formant
 * synthesizer's made-up speakers do not stand in for. Validation and test speakers are held out twice over: whole
 * espeak-ng accents ({@link #VALIDATION_VOICES}, {@link #TEST_VOICES}) with stock variants never used in training
 * ({@link #VALIDATION_VARIANTS}, {@link #TEST_VARIANTS}), plus one MBROLA voice each ({@link MbrolaVoices#VALIDATION},
 * {@link MbrolaVoices#TEST}), spoken dry, so scores measure speakers never heard.
 */
public final class DatasetSynthesizer {
    /** The spoken digits, each a keyword of its own as in Speech Commands v2. */
    public static final List<String> DIGITS = List.of("zero", "one", "two", "three", "four", "five", "six", "seven",
            "eight", "nine");
    /** The default vocabulary: Speech Commands' ten command words and the ten digits. */
    public static final List<String> KEYWORDS = java.util.stream.Stream.concat(
            Stream.of("yes", "no", "up", "down", "left", "right", "on", "off", "stop", "go"), DIGITS.stream()).toList();
    /**
     * Other words, for the _unknown_ label: Speech Commands v0.02's that are not keywords and more everyday words. No near
     * homophones of a keyword ("dawn", "light", "top"): a voice that says a keyword a little differently from espeak-ng
     * would be taken for them, as the first training set with them showed.
     */
    public static final List<String> OTHER_WORDS = List.of(
            "bed", "bird", "cat", "dog", "happy", "house", "marvin", "sheila", "flower", "wow",
            "learn", "follow", "forward", "backward", "visual", "yellow",
            "bag", "bus", "car", "fish", "game", "hat", "jump", "kite", "lamp", "milk",
            "nut", "pen", "queen", "ring", "sun", "tiger", "van", "water", "box", "zoo",
            "apple", "music", "paper", "window", "garden", "orange", "table", "chair", "baby", "rabbit",
            "hello", "please", "morning", "people", "little", "money", "city", "river", "doctor", "school");
    public static final List<String> TEST_VOICES = List.of("en-gb-scotland");
    public static final List<String> VALIDATION_VOICES = List.of("en-029");
    /** Stock espeak-ng variants heard only in validation, and only in testing. */
    public static final List<String> VALIDATION_VARIANTS = List.of("m3", "f2", "klatt2", "david", "annie", "zac");
    public static final List<String> TEST_VARIANTS = List.of("m6", "f4", "klatt3", "benjamin", "linda", "travis");
    /** Share of training clips spoken by a made-up voice rather than a stock variant. */
    static final double MADE_UP_SHARE = 0.6;
    /** Share of training clips spoken by an MBROLA voice, where any is installed. */
    static final double MBROLA_SHARE = 0.5;
    /** Takes of each keyword per held-out speaker (each at its own speed and pitch). */
    static final int HELD_OUT_TAKES = 2;
    public static final int SAMPLE_RATE = 16000;
    public static final String BACKGROUND_NOISE = "_background_noise_";
    public static final int MAX_VARIANTS = 400;

    private final long seed;
    private final int variantsPerVoice;
    private final int threads;
    private final List<String> mbrola;

    /** A dataset of espeak-ng's formant voices only. */
    public DatasetSynthesizer(long seed, int variantsPerVoice, int threads) {
        this(seed, variantsPerVoice, threads, List.of());
    }

    /**
     * @param variantsPerVoice how many speakers say each keyword in each training accent
     * @param mbrola           installed {@link MbrolaVoices} to use (none: espeak-ng's formant voices only)
     */
    public DatasetSynthesizer(long seed, int variantsPerVoice, int threads, List<String> mbrola) {
        if (variantsPerVoice < 1 || variantsPerVoice > MAX_VARIANTS) {
            throw new IllegalArgumentException("variants must be in [1, " + MAX_VARIANTS + "], got " + variantsPerVoice);
        }
        this.seed = seed;
        this.variantsPerVoice = variantsPerVoice;
        this.threads = Math.max(1, threads);
        for (String name : mbrola) {
            if (!MbrolaVoices.ALL.contains(name)) {
                throw new IllegalArgumentException("not one of espeak-ng's English MBROLA voices: " + name
                        + " (they are " + String.join(", ", MbrolaVoices.ALL) + ")");
            }
        }
        this.mbrola = List.copyOf(mbrola);
    }

    /** More of espeak-ng's stock variants, human-sounding ones (not the robots, whispers or effects). */
    static final List<String> MORE_VARIANTS = List.of(
            "adam", "anika", "antonio", "aunty", "boris", "caleb", "Denis", "Diogo", "ed", "edward2", "Gene",
            "grandma", "grandpa", "gustave", "Henrique", "Hugo", "iven", "iven2", "Jacky", "klatt4", "klatt5",
            "klatt6", "Lee", "marcelo", "Michael", "miguel", "Mike", "norbert", "pablo", "pedro", "quincy", "rob",
            "sandro", "shelby", "steph2", "steph3", "Storm");

    /** Stock variants that training may use: all of them but the held-out ones. */
    public static List<String> trainingVariants() {
        return java.util.stream.Stream.concat(SpeechSynthesizer.VARIANTS.stream(), MORE_VARIANTS.stream())
                .filter(v -> !VALIDATION_VARIANTS.contains(v) && !TEST_VARIANTS.contains(v)).toList();
    }

    private enum Role { TRAIN, VALIDATION, TEST }

    /** One clip to speak; {@code madeUp} is the definition of a made-up variant, null for a stock one. */
    private record ClipJob(String word, String voice, String variant, String madeUp, int index, long seed, boolean room) {
    }

    /** Synthesizes the whole dataset into {@code out}; returns the number of clips written. */
    public int write(Path out) throws IOException {
        SpeechSynthesizer.requireTools();
        Files.createDirectories(out);
        Random random = new Random(seed);
        int written;
        List<ClipJob> jobs = new ArrayList<>();
        List<String> stock = trainingVariants();
        List<String> mbrolaTraining = MbrolaVoices.trainingVoices(mbrola);
        try (EspeakVoices voices = EspeakVoices.create()) {
            int madeUp = 0;
            for (String voice : SpeechSynthesizer.VOICES) {
                Role role = roleOf(voice);
                if (role == Role.TRAIN) {
                    for (String word : KEYWORDS) {
                        for (int i = 0; i < variantsPerVoice; i++) {
                            jobs.add(trainingClip(word, voice, i, madeUp++, stock, mbrolaTraining, random));
                        }
                    }
                    // _unknown_ is one label over many words; training balances the labels. Its speakers are drawn
                    // as the keywords' are: were other words only ever made-up voices, "sounds like a stock voice"
                    // would be evidence for a keyword, and a voice unlike both would be taken for another word.
                    int perWord = Math.max(1, variantsPerVoice / 8);
                    for (String word : OTHER_WORDS) {
                        for (int i = 0; i < perWord; i++) {
                            jobs.add(trainingClip(word, voice, i, madeUp++, stock, mbrolaTraining, random));
                        }
                    }
                } else {
                    List<String> heldOut = role == Role.TEST ? TEST_VARIANTS : VALIDATION_VARIANTS;
                    int index = 0;
                    for (String word : KEYWORDS) {
                        for (String variant : heldOut) {
                            for (int take = 0; take < HELD_OUT_TAKES; take++) {
                                jobs.add(new ClipJob(word, voice, variant, null, index++, random.nextLong(), false));
                            }
                        }
                    }
                    for (String word : OTHER_WORDS) {
                        String variant = heldOut.get(random.nextInt(heldOut.size()));
                        jobs.add(new ClipJob(word, voice, variant, null, index++, random.nextLong(), false));
                    }
                    String heldOutMbrola = role == Role.TEST ? MbrolaVoices.TEST : MbrolaVoices.VALIDATION;
                    if (mbrola.contains(heldOutMbrola)) {
                        // One more held-out speaker, a recorded one: it says what its accent's variants say.
                        String mb = MbrolaVoices.espeakVoice(heldOutMbrola);
                        for (String word : KEYWORDS) {
                            for (int take = 0; take < HELD_OUT_TAKES; take++) {
                                jobs.add(new ClipJob(word, mb, null, null, index++, random.nextLong(), false));
                            }
                        }
                        for (int i = 0; i < OTHER_WORDS.size(); i += heldOut.size()) {
                            jobs.add(new ClipJob(OTHER_WORDS.get(i), mb, null, null, index++, random.nextLong(), false));
                        }
                    }
                }
            }
            int skipped = 0;
            List<String> validation = new ArrayList<>();
            List<String> testing = new ArrayList<>();
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<String>> results = new ArrayList<>();
                for (ClipJob job : jobs) {
                    results.add(pool.submit(() -> writeClip(out, job, voices)));
                }
                for (int i = 0; i < results.size(); i++) {
                    String relative = results.get(i).get();
                    if (relative == null) {
                        skipped++;
                        continue;
                    }
                    switch (roleOf(jobs.get(i).voice())) {
                        case TEST -> testing.add(relative);
                        case VALIDATION -> validation.add(relative);
                        default -> { }
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
            Collections.sort(validation);
            Collections.sort(testing);
            Files.write(out.resolve("validation_list.txt"), validation, StandardCharsets.UTF_8);
            Files.write(out.resolve("testing_list.txt"), testing, StandardCharsets.UTF_8);
            written = jobs.size() - skipped;
        }
        // Speaker ids are hashes (Speech Commands style): say whose voice each one is, for per-voice accuracy.
        java.util.Set<String> speakers = new java.util.TreeSet<>();
        for (ClipJob job : jobs) {
            speakers.add(speakerOf(job) + "," + job.voice() + "," + (job.variant() == null ? "mbrola" : job.variant()));
        }
        List<String> speakerLines = new ArrayList<>(List.of("speaker,voice,variant"));
        speakerLines.addAll(speakers);
        Files.write(out.resolve(KeywordDataset.SPEAKERS_FILE), speakerLines, StandardCharsets.UTF_8);
        writeBackgroundNoise(out.resolve(BACKGROUND_NOISE), new Random(seed ^ 0x5DEECE66DL));
        return written;
    }

    /**
     * A training clip: an MBROLA voice ({@link #MBROLA_SHARE} of clips, where {@code mbrola} has any), else a made-up
     * speaker ({@link #MADE_UP_SHARE}) or a stock one. {@code serial} numbers training clips across accents: it names a
     * made-up speaker, and indexes an MBROLA voice's clips, whose speaker is the same in every accent.
     */
    private static ClipJob trainingClip(String word, String voice, int index, int serial, List<String> stock,
                                        List<String> mbrola, Random random) {
        // No draw without MBROLA voices: a formant-only dataset stays what the same seed always gave.
        if (!mbrola.isEmpty() && random.nextDouble() < MBROLA_SHARE) {
            return new ClipJob(word, MbrolaVoices.espeakVoice(mbrola.get(random.nextInt(mbrola.size()))), null, null,
                    serial, random.nextLong(), true);
        }
        if (random.nextDouble() < MADE_UP_SHARE) {
            String madeUpName = "made-up-" + serial;
            return new ClipJob(word, voice, madeUpName, RandomVoice.definition(madeUpName, random), index,
                    random.nextLong(), true);
        }
        return new ClipJob(word, voice, stock.get(random.nextInt(stock.size())), null, index, random.nextLong(), true);
    }

    private static Role roleOf(String voice) {
        if (TEST_VOICES.contains(voice) || voice.equals(MbrolaVoices.espeakVoice(MbrolaVoices.TEST))) {
            return Role.TEST;
        }
        return VALIDATION_VOICES.contains(voice) || voice.equals(MbrolaVoices.espeakVoice(MbrolaVoices.VALIDATION))
                ? Role.VALIDATION : Role.TRAIN;
    }

    private static String speakerOf(ClipJob job) {
        return Integer.toHexString((job.voice() + "+" + job.variant()).hashCode() & 0x7fffffff);
    }

    /** Writes one clip; returns its path in {@code out}, or null for a word its MBROLA voice cannot say whole. */
    private String writeClip(Path out, ClipJob job, EspeakVoices voices) throws IOException {
        Random random = new Random(job.seed());
        SpeechSynthesizer synth = new SpeechSynthesizer(SAMPLE_RATE);
        int speed = 110 + random.nextInt(120);
        int pitch = 20 + random.nextInt(60);
        List<String> effects = job.room() ? RandomRoom.effects(random) : List.of();
        float[] speech;
        if (job.madeUp() == null) {
            try {
                speech = synth.speak(job.word(), job.voice(), job.variant(), speed, pitch, voices, effects);
            } catch (SpeechSynthesizer.MissingDiphoneException e) {
                return null; // silence in place of a sound: a clip that would teach a wrong word
            }
        } else {
            // espeak-ng lists at most 350 voices and variants: a made-up one is there only while it speaks.
            voices.addVariant(job.variant(), job.madeUp());
            try {
                speech = synth.speak(job.word(), job.voice(), job.variant(), speed, pitch, voices, effects);
            } finally {
                voices.removeVariant(job.variant());
            }
        }
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
        Noise.scaleToRms(trimmed, 0.03 + random.nextDouble() * 0.2);
        Noise.Colour colour = Noise.Colour.values()[random.nextInt(Noise.Colour.values().length)];
        float[] clip = Noise.generate(colour, SAMPLE_RATE, 0.0002 + random.nextDouble() * 0.003, random);
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
