package dev.hark.data;

import dev.hark.audio.WavFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Speech recorded from people, for training {@code _unknown_}: every other clip of the training set is synthesized,
 * and a model that never heard a person say a word that is not a keyword takes many for one (v11: 15% false accepts on
 * real speech). None of it is a keyword, none of it comes from the speakers of the real-speech evaluation
 * ({@link RealSpeechSet}: asterisk's English and Spanish speaker, pocketsphinx's reader):
 * <ul>
 *   <li>asterisk's prompts in other languages ({@code asterisk-core-sounds-fr-wav}, {@code -it-wav}, {@code -ru-wav},
 *   transcripts from {@code asterisk-core-sounds-fr}, {@code -it}, {@code -ru}): three speakers at 8 kHz, their digits
 *   left out (the Italian and French for zero is "zero") as are prompts whose transcript holds a keyword or a sound-alike
 *   ("non");</li>
 *   <li>Hedgewars' voice packs ({@code hedgewars-data}, GFDL): short English phrases, shouts and grunts by several
 *   actors, named after what they say; those that hold a keyword ("Nooo", "Yessir", "Enemydown") left out.</li>
 * </ul>
 * Clips are resampled by hark's front end and cut as the job's windows see them ({@link SpeechPieces}). They are written
 * into a training set's folder as {@value #FOLDER}/ (not a label, so {@code _unknown_}); whole speakers are held out:
 * two voice packs for validation ({@link #VALIDATION_SPEAKERS}, in the set's {@code validation_list.txt}: few, so that
 * the best epoch is still chosen mostly by keywords), one asterisk speaker for the set's test split
 * ({@link #TEST_SPEAKERS}, in {@code testing_list.txt}), which chooses nothing in training.
 */
public final class RecordedSpeech {
    public static final String FOLDER = "recorded_speech";
    public static final Path ASTERISK_SOUNDS = Path.of("/usr/share/asterisk/sounds");
    public static final Path ASTERISK_DOCS = Path.of("/usr/share/doc");
    public static final Path HEDGEWARS_VOICES = Path.of("/usr/share/games/hedgewars/Data/Sounds/voices");
    /** Asterisk's speakers of other languages, with their language (the transcript's name). */
    public static final Map<String, String> ASTERISK_SPEAKERS = Map.of(
            "fr_CA_f_June", "fr", "it_IT_m_Carlo", "it", "ru_RU_f_IvrvoiceRU", "ru");
    /** Speakers heard only in validation: two Hedgewars packs. */
    public static final Set<String> VALIDATION_SPEAKERS = Set.of("hedgewars-Pirate", "hedgewars-Default_pl");
    /** Speakers heard only in the test split: one asterisk speaker. */
    public static final Set<String> TEST_SPEAKERS = Set.of("it_IT_m_Carlo");
    /** Words of other languages that sound like a keyword. */
    static final Set<String> SOUND_ALIKES = Set.of("non", "zéro", "zero", "nou", "gou", "ап", "но", "стоп", "ноль");
    /** Hedgewars phrases (file names without their number) that hold a keyword or sound like one. */
    static final Set<String> HEDGEWARS_WITH_KEYWORD = Set.of("nooo", "yessir", "comeonthen", "enemydown", "gonnagetyou",
            "uh-oh", "ohdear", "thisoneismine", "leavemealone");

    /** Where the packages put their files (their Debian paths unless given). */
    public record Sources(Path asteriskSounds, Path asteriskDocs, Path hedgewarsVoices) {
        public static Sources debian() {
            return new Sources(ASTERISK_SOUNDS, ASTERISK_DOCS, HEDGEWARS_VOICES);
        }

        /** The packages missing, or an empty list. */
        public List<String> missing() {
            List<String> packages = new ArrayList<>();
            for (String language : ASTERISK_SPEAKERS.values().stream().sorted().toList()) {
                String speaker = speakerOf(language);
                if (!Files.isDirectory(asteriskSounds.resolve(speaker))) {
                    packages.add("asterisk-core-sounds-" + language + "-wav");
                }
                if (!Files.isRegularFile(transcripts(language))) {
                    packages.add("asterisk-core-sounds-" + language);
                }
            }
            if (!Files.isDirectory(hedgewarsVoices)) {
                packages.add("hedgewars-data");
            }
            return packages;
        }

        /** What to tell a person whose machine lacks packages, or null when none is missing. */
        public String whatIsMissing() {
            return RealSpeechSet.Sources.whatIsMissing("recorded speech", missing());
        }

        Path transcripts(String language) {
            return asteriskDocs.resolve("asterisk-core-sounds-" + language).resolve("core-sounds-" + language + ".txt.gz");
        }

        private static String speakerOf(String language) {
            return ASTERISK_SPEAKERS.entrySet().stream().filter(e -> e.getValue().equals(language)).findFirst()
                    .orElseThrow().getKey();
        }
    }

    /** One clip written: path under the set's folder, speaker, split, and its source. */
    public record Clip(String path, String speaker, KeywordDataset.Split split, String source) {
    }

    private final Sources sources;
    private final int sampleRate;
    private final Set<String> excluded;

    /** @param keywords the vocabulary's keywords and the digits, lower case: transcripts holding one are left out */
    public RecordedSpeech(Sources sources, int sampleRate, Set<String> keywords) {
        this.sources = sources;
        this.sampleRate = sampleRate;
        Set<String> words = new HashSet<>(keywords);
        words.addAll(SOUND_ALIKES);
        this.excluded = Set.copyOf(words);
    }

    /**
     * Writes the clips into {@code dataset}/{@value #FOLDER} (replacing what an earlier run wrote there) and lists the
     * held-out speakers' clips in the set's {@code validation_list.txt} and {@code testing_list.txt} (replacing earlier
     * lines of this folder).
     */
    public List<Clip> writeInto(Path dataset) throws IOException {
        if (sources.whatIsMissing() != null) {
            throw new IOException(sources.whatIsMissing());
        }
        Path folder = dataset.resolve(FOLDER);
        if (Files.isDirectory(folder)) {
            try (Stream<Path> old = Files.list(folder)) {
                for (Path file : old.toList()) {
                    Files.delete(file);
                }
            }
        }
        Files.createDirectories(folder);
        List<Clip> clips = new ArrayList<>();
        for (String speaker : ASTERISK_SPEAKERS.keySet().stream().sorted().toList()) {
            Map<String, String> prompts = RealSpeechSet.asteriskTranscripts(sources.transcripts(ASTERISK_SPEAKERS.get(speaker)));
            for (Map.Entry<String, String> prompt : prompts.entrySet()) {
                Path wav = sources.asteriskSounds().resolve(speaker).resolve(prompt.getKey() + ".wav");
                if (prompt.getKey().startsWith("digits/") || !Files.isRegularFile(wav)
                        || !RealSpeechSet.isSpeechWithoutAny(prompt.getValue(), excluded)) {
                    continue;
                }
                clips.addAll(write(WavFile.read(wav).samplesAt(sampleRate), speaker, prompt.getKey().replace('/', '-'), wav, folder));
            }
        }
        List<Path> packs;
        try (Stream<Path> s = Files.list(sources.hedgewarsVoices())) {
            packs = s.filter(Files::isDirectory).sorted().toList();
        }
        for (Path pack : packs) {
            List<Path> phrases;
            try (Stream<Path> s = Files.list(pack)) {
                phrases = s.filter(p -> p.toString().endsWith(".ogg")).sorted().toList();
            }
            for (Path ogg : phrases) {
                String name = ogg.getFileName().toString().replace(".ogg", "");
                if (HEDGEWARS_WITH_KEYWORD.contains(name.replaceAll("[0-9]+$", "").toLowerCase(Locale.ROOT))) {
                    continue;
                }
                clips.addAll(write(decodeOgg(ogg).samplesAt(sampleRate), "hedgewars-" + pack.getFileName(), name, ogg, folder));
            }
        }
        list(dataset.resolve("validation_list.txt"), clips, KeywordDataset.Split.VALIDATION);
        list(dataset.resolve("testing_list.txt"), clips, KeywordDataset.Split.TEST);
        return clips;
    }

    private List<Clip> write(float[] audio, String speaker, String name, Path source, Path folder) throws IOException {
        List<Clip> clips = new ArrayList<>();
        for (SpeechPieces.Piece piece : SpeechPieces.of(audio, sampleRate)) {
            String file = String.format(Locale.ROOT, "%s_nohash_%s%s.wav", speaker.replace('_', '-'), name,
                    piece.index() < 0 ? "" : String.format(Locale.ROOT, "-%02d", piece.index()));
            WavFile.write(folder.resolve(file), piece.samples(), sampleRate);
            KeywordDataset.Split split = VALIDATION_SPEAKERS.contains(speaker) ? KeywordDataset.Split.VALIDATION
                    : TEST_SPEAKERS.contains(speaker) ? KeywordDataset.Split.TEST : KeywordDataset.Split.TRAIN;
            clips.add(new Clip(FOLDER + "/" + file, speaker, split, source.toString()));
        }
        return clips;
    }

    /** Ogg Vorbis to mono 16-bit PCM at its own rate, by sox (as synthesis uses it); hark's resampler does the rest. */
    static WavFile.Audio decodeOgg(Path ogg) throws IOException {
        Path wav = Files.createTempFile("hark-recorded-", ".wav");
        try {
            Process sox = new ProcessBuilder("sox", "-q", "-D", ogg.toString(), "-c", "1", "-b", "16", wav.toString())
                    .redirectErrorStream(true).start();
            String messages = new String(sox.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!sox.waitFor(60, TimeUnit.SECONDS) || sox.exitValue() != 0) {
                sox.destroyForcibly();
                throw new IOException("sox could not decode " + ogg + ": " + messages.strip()
                        + " (sox needs Ogg Vorbis support: sudo apt-get install -y sox libsox-fmt-all)");
            }
            return WavFile.read(wav);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } finally {
            Files.deleteIfExists(wav);
        }
    }

    /** Rewrites a split's list: its other lines as they were, then this folder's clips of that split. */
    private static void list(Path list, List<Clip> clips, KeywordDataset.Split split) throws IOException {
        List<String> lines = new ArrayList<>();
        if (Files.exists(list)) {
            Files.readAllLines(list, StandardCharsets.UTF_8).stream()
                    .filter(line -> !line.isBlank() && !line.startsWith(FOLDER + "/")).forEach(lines::add);
        }
        clips.stream().filter(clip -> clip.split() == split).map(Clip::path).forEach(lines::add);
        // A new file, not the old one rewritten in place: a set copied with hard links keeps its own list.
        Path next = list.resolveSibling(list.getFileName() + ".new");
        Files.write(next, lines, StandardCharsets.UTF_8);
        Files.move(next, list, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
}
