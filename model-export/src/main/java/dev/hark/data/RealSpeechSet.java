package dev.hark.data;

import dev.hark.audio.WavFile;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * An evaluation set of real recorded speech, built from two Debian packages:
 * <ul>
 *   <li>{@code asterisk-core-sounds-en-wav}: one professional speaker at 8 kHz. The digits zero to nine (labelled
 *   from their file names) are keyword clips; the letters, the NATO alphabet and every prompt whose
 *   transcript ({@code asterisk-core-sounds-en}'s {@code core-sounds-en.txt.gz}) holds no keyword are speech without
 *   one.</li>
 *   <li>{@code pocketsphinx-testdata}: sentences read by another speaker at 16 kHz ({@code librivox/}); those whose
 *   transcript holds no keyword are speech without one.</li>
 * </ul>
 * Audio is resampled to the model's rate by hark's own {@link dev.hark.audio.Resampler} (the front end's). Speech without a keyword
 * longer than {@link SpeechPieces#WHOLE_CLIP_SECONDS} is cut into one-second pieces, as the job's windows see it, leaving out
 * pieces that are mostly silence; it is labelled {@link KeywordDataset#UNKNOWN}. Output: WAVs, {@code
 * realspeech.csv} (every clip), {@code digits.csv} and {@code no-keyword.csv} ({@code path,label}, as {@code
 * evaluate --data} reads them) and {@code sources.csv} (where each clip comes from, and its transcript).
 */
public final class RealSpeechSet {
    public static final Path ASTERISK_SOUNDS = Path.of("/usr/share/asterisk/sounds/en_US_f_Allison");
    public static final Path ASTERISK_TRANSCRIPTS = Path.of("/usr/share/doc/asterisk-core-sounds-en/core-sounds-en.txt.gz");
    public static final Path POCKETSPHINX_DATA = Path.of("/usr/share/pocketsphinx/test/data");
    public static final List<String> DIGITS = DatasetSynthesizer.DIGITS;
    /** Other names of digits ("oh" for zero, the NATO "niner"): neither a keyword's clip nor speech without one. */
    static final Set<String> DIGIT_ALIASES = Set.of("oh", "niner");
    /** Words: letters of any alphabet, digits, apostrophes. */
    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}']+");

    /** One clip written: its path under the output folder, label, source file, offset and transcript. */
    public record Clip(String path, String label, String source, double startSeconds, String transcript) {
    }

    /** Where the packages put their files (their Debian paths unless given). */
    public record Sources(Path asteriskSounds, Path asteriskTranscripts, Path pocketsphinxData) {
        public static Sources debian() {
            return new Sources(ASTERISK_SOUNDS, ASTERISK_TRANSCRIPTS, POCKETSPHINX_DATA);
        }

        /** What is missing, as the packages to install, or an empty list. */
        public List<String> missing() {
            List<String> packages = new ArrayList<>();
            if (!Files.isDirectory(asteriskSounds.resolve("digits"))) {
                packages.add("asterisk-core-sounds-en-wav");
            }
            if (!Files.isRegularFile(asteriskTranscripts)) {
                packages.add("asterisk-core-sounds-en");
            }
            if (!Files.isDirectory(pocketsphinxData.resolve("librivox"))) {
                packages.add("pocketsphinx-testdata");
            }
            return packages;
        }

        /** What to tell a person whose machine lacks packages, or null when none is missing. */
        public String whatIsMissing() {
            return whatIsMissing("real speech", missing());
        }

        /** "WHAT comes from Debian packages that are not installed: ...; install them: ...", or null for none. */
        static String whatIsMissing(String what, List<String> packages) {
            return packages.isEmpty() ? null : what + " comes from Debian packages that are not installed: "
                    + String.join(", ", packages) + "; install them: sudo apt-get install -y " + String.join(" ", packages);
        }
    }

    private final Sources sources;
    private final int sampleRate;
    private final Set<String> keywords;

    /**
     * @param keywords words whose presence makes a transcript one with a keyword: the vocabulary's keywords and the
     *                 digits, whether the model knows them or not (so the set means the same for every model)
     */
    public RealSpeechSet(Sources sources, int sampleRate, Set<String> keywords) {
        this.sources = sources;
        this.sampleRate = sampleRate;
        this.keywords = Set.copyOf(keywords);
    }

    /** Writes the set into {@code out} (created if needed) and returns its clips. */
    public List<Clip> write(Path out) throws IOException {
        if (sources.whatIsMissing() != null) {
            throw new IOException(sources.whatIsMissing());
        }
        Files.createDirectories(out.resolve("digits"));
        Files.createDirectories(out.resolve("no-keyword"));
        List<Clip> clips = new ArrayList<>();
        for (int digit = 0; digit < DIGITS.size(); digit++) {
            Path wav = sources.asteriskSounds().resolve("digits").resolve(digit + ".wav");
            String path = "digits/" + DIGITS.get(digit) + ".wav";
            WavFile.write(out.resolve(path), read(wav), sampleRate);
            clips.add(new Clip(path, DIGITS.get(digit), wav.toString(), 0, DIGITS.get(digit)));
        }
        for (Map.Entry<String, String> prompt : asteriskTranscripts().entrySet()) {
            String name = prompt.getKey();
            boolean digitFile = name.startsWith("digits/") && name.substring(7).matches("[0-9]");
            Path wav = sources.asteriskSounds().resolve(name + ".wav");
            if (digitFile || !isSpeechWithoutKeyword(prompt.getValue()) || !Files.isRegularFile(wav)) {
                continue;
            }
            clips.addAll(pieces(read(wav), "asterisk-" + name.replace('/', '-'), wav.toString(), prompt.getValue(), out));
        }
        for (Map.Entry<String, String> sentence : librivoxTranscripts().entrySet()) {
            Path wav = sources.pocketsphinxData().resolve("librivox").resolve(sentence.getKey() + ".wav");
            if (isSpeechWithoutKeyword(sentence.getValue()) && Files.isRegularFile(wav)) {
                clips.addAll(pieces(read(wav), "librivox-" + sentence.getKey(), wav.toString(), sentence.getValue(), out));
            }
        }
        writeLists(out, clips);
        return clips;
    }

    /** Speech, not a tone ("[beep]"), whose words include none of the keywords (nor a numeral). */
    boolean isSpeechWithoutKeyword(String transcript) {
        return isSpeechWithoutAny(transcript, keywords);
    }

    /** As above, for any set of words (lower case). */
    static boolean isSpeechWithoutAny(String transcript, Set<String> keywords) {
        String text = transcript.toLowerCase(Locale.ROOT).trim();
        if (text.isEmpty() || text.startsWith("[")) {
            return false;
        }
        Matcher words = WORD.matcher(text.replace('-', ' '));
        while (words.find()) {
            String word = words.group();
            if (keywords.contains(word) || DIGIT_ALIASES.contains(word) || word.matches(".*[0-9].*")) {
                return false;
            }
        }
        return true;
    }

    /** The clip whole when short, else one-second pieces that are not mostly silence. */
    private List<Clip> pieces(float[] audio, String name, String source, String transcript, Path out) throws IOException {
        List<Clip> clips = new ArrayList<>();
        for (SpeechPieces.Piece piece : SpeechPieces.of(audio, sampleRate)) {
            String path = piece.index() < 0 ? "no-keyword/" + name + ".wav"
                    : String.format(Locale.ROOT, "no-keyword/%s-%02d.wav", name, piece.index());
            WavFile.write(out.resolve(path), piece.samples(), sampleRate);
            clips.add(new Clip(path, KeywordDataset.UNKNOWN, source, Math.max(0, piece.index()), transcript));
        }
        return clips;
    }

    private float[] read(Path wav) throws IOException {
        return WavFile.read(wav).samplesAt(sampleRate);
    }

    private Map<String, String> asteriskTranscripts() throws IOException {
        return asteriskTranscripts(sources.asteriskTranscripts());
    }

    /** core-sounds-LANG.txt.gz: "name: transcript" lines, ';' comments. */
    static Map<String, String> asteriskTranscripts(Path gzip) throws IOException {
        Map<String, String> prompts = new LinkedHashMap<>();
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gzip));
             BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                int colon = line.indexOf(':');
                if (line.startsWith(";") || colon <= 0) {
                    continue;
                }
                prompts.putIfAbsent(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
            }
        }
        return prompts;
    }

    /** librivox/transcription: "&lt;s&gt; words &lt;/s&gt; (file id)" lines. */
    private Map<String, String> librivoxTranscripts() throws IOException {
        Map<String, String> sentences = new LinkedHashMap<>();
        Pattern line = Pattern.compile("<s>(.*)</s>\\s*\\(([^)]+)\\)");
        for (String text : Files.readAllLines(sources.pocketsphinxData().resolve("librivox/transcription"))) {
            Matcher m = line.matcher(text);
            if (m.find()) {
                sentences.put(m.group(2).trim(), m.group(1).trim());
            }
        }
        return sentences;
    }

    private static void writeLists(Path out, List<Clip> clips) throws IOException {
        try (Writer all = Files.newBufferedWriter(out.resolve("realspeech.csv"));
             Writer digits = Files.newBufferedWriter(out.resolve("digits.csv"));
             Writer none = Files.newBufferedWriter(out.resolve("no-keyword.csv"));
             Writer sourcesCsv = Files.newBufferedWriter(out.resolve("sources.csv"))) {
            for (Writer list : List.of(all, digits, none)) {
                list.write("path,label\n");
            }
            sourcesCsv.write("path,label,source,start_s,transcript\n");
            for (Clip clip : clips) {
                String row = clip.path() + "," + clip.label() + "\n";
                all.write(row);
                (clip.label().equals(KeywordDataset.UNKNOWN) ? none : digits).write(row);
                sourcesCsv.write(String.format(Locale.ROOT, "%s,%s,%s,%.0f,\"%s\"%n", clip.path(), clip.label(),
                        clip.source(), clip.startSeconds(), clip.transcript().replace("\"", "\"\"")));
            }
        }
    }
}
