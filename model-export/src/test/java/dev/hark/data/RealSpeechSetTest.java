package dev.hark.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hark.audio.WavFile;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RealSpeechSetTest {
    static final Set<String> KEYWORDS;

    static {
        Set<String> words = new HashSet<>(List.of("yes", "no", "up", "down", "left", "right", "on", "off", "stop", "go"));
        words.addAll(RealSpeechSet.DIGITS);
        KEYWORDS = Set.copyOf(words);
    }

    static float[] tone(int rate, double seconds, double amplitude) {
        float[] x = new float[(int) (rate * seconds)];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (amplitude * Math.sin(2 * Math.PI * 440 * i / rate));
        }
        return x;
    }

    @Test
    void transcriptsWithAKeywordOrANumeralOrATone() {
        RealSpeechSet set = new RealSpeechSet(RealSpeechSet.Sources.debian(), 16000, KEYWORDS);
        assertTrue(set.isSpeechWithoutKeyword("Activated."));
        assertTrue(set.isSpeechWithoutKeyword("he was not an ill disposed young man"));
        assertFalse(set.isSpeechWithoutKeyword("Call-Forward on No Answer."), "on, no");
        assertFalse(set.isSpeechWithoutKeyword("To speak with a customer advocate, press two."));
        assertFalse(set.isSpeechWithoutKeyword("Please press 1 to mute"), "a numeral is a digit said aloud");
        assertFalse(set.isSpeechWithoutKeyword("[this is a simple beep tone]"), "not speech");
        assertFalse(set.isSpeechWithoutKeyword("Goodbye. Stop."));
        assertFalse(set.isSpeechWithoutKeyword("niner"));
    }

    /** A tree laid out as the two packages lay theirs out, with tones for speech. */
    static RealSpeechSet.Sources fakePackages(Path dir) throws IOException {
        Path sounds = Files.createDirectories(dir.resolve("asterisk/digits"));
        for (int digit = 0; digit < 10; digit++) {
            WavFile.write(sounds.resolve(digit + ".wav"), tone(8000, 0.5, 0.3), 8000);
        }
        // 3 s: loud, silent, loud: two pieces, the silent second left out.
        float[] prompt = new float[3 * 8000];
        System.arraycopy(tone(8000, 1, 0.3), 0, prompt, 0, 8000);
        System.arraycopy(tone(8000, 1, 0.3), 0, prompt, 16000, 8000);
        WavFile.write(dir.resolve("asterisk/long-prompt.wav"), prompt, 8000);
        WavFile.write(dir.resolve("asterisk/short.wav"), tone(8000, 0.6, 0.3), 8000);
        WavFile.write(dir.resolve("asterisk/has-keyword.wav"), tone(8000, 0.6, 0.3), 8000);
        Path transcripts = dir.resolve("core-sounds-en.txt.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(transcripts))) {
            out.write(String.join("\n", "; Core sounds", "digits/0: zero", "digits/7: seven", "long-prompt: Thank you for calling.",
                    "short: Activated.", "has-keyword: Press the down key.", "beep: [a beep]", "missing-file: Hello.")
                    .getBytes(StandardCharsets.UTF_8));
        }
        Path librivox = Files.createDirectories(dir.resolve("pocketsphinx/librivox"));
        WavFile.write(librivox.resolve("s1.wav"), tone(16000, 2.5, 0.2), 16000);
        WavFile.write(librivox.resolve("s2.wav"), tone(16000, 2.5, 0.2), 16000);
        Files.writeString(librivox.resolve("transcription"),
                "<s> he might even have been made amiable </s> (s1)\n<s> go on then </s> (s2)\n");
        return new RealSpeechSet.Sources(dir.resolve("asterisk"), transcripts, dir.resolve("pocketsphinx"));
    }

    @Test
    void digitsByNameAndSpeechWithoutKeywordsInOneSecondPieces(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("set");
        List<RealSpeechSet.Clip> clips = new RealSpeechSet(fakePackages(dir), 16000, KEYWORDS).write(out);
        List<String> paths = clips.stream().map(RealSpeechSet.Clip::path).toList();
        assertEquals(List.of("digits/zero.wav", "digits/one.wav", "digits/two.wav", "digits/three.wav", "digits/four.wav",
                "digits/five.wav", "digits/six.wav", "digits/seven.wav", "digits/eight.wav", "digits/nine.wav",
                "no-keyword/asterisk-long-prompt-00.wav", "no-keyword/asterisk-long-prompt-02.wav",
                "no-keyword/asterisk-short.wav", "no-keyword/librivox-s1-00.wav", "no-keyword/librivox-s1-01.wav"), paths);
        for (RealSpeechSet.Clip clip : clips) {
            WavFile.Audio audio = WavFile.read(out.resolve(clip.path()));
            assertEquals(16000, audio.sampleRate(), clip.path());
            double expected = clip.path().startsWith("digits/") ? 0.5 : clip.path().contains("short") ? 0.6 : 1.0;
            assertEquals(expected, audio.seconds(), 0.01, clip.path() + ": resampled from 8 kHz, length kept");
        }
        assertEquals("seven", clips.get(7).label());
        assertTrue(clips.subList(10, clips.size()).stream().allMatch(c -> c.label().equals(KeywordDataset.UNKNOWN)));
        // The lists evaluate reads: every clip once, digits and speech without a keyword apart.
        assertEquals(16, Files.readAllLines(out.resolve("realspeech.csv")).size());
        assertEquals(11, Files.readAllLines(out.resolve("digits.csv")).size());
        assertEquals(6, Files.readAllLines(out.resolve("no-keyword.csv")).size());
        KeywordDataset loaded = KeywordDataset.loadCsv(out.resolve("realspeech.csv"),
                List.of("seven", KeywordDataset.UNKNOWN), 16000, 1, KeywordDataset.Use.EVALUATION);
        assertEquals(15, loaded.examples().size());
        assertEquals(1, loaded.examples().stream().filter(e -> e.label().equals("seven")).count());
    }

    @Test
    void missingPackagesAreNamed(@TempDir Path dir) {
        RealSpeechSet.Sources nowhere = new RealSpeechSet.Sources(dir.resolve("a"), dir.resolve("b.gz"), dir.resolve("c"));
        assertEquals(List.of("asterisk-core-sounds-en-wav", "asterisk-core-sounds-en", "pocketsphinx-testdata"), nowhere.missing());
        IOException refused = org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
                () -> new RealSpeechSet(nowhere, 16000, KEYWORDS).write(dir.resolve("out")));
        assertTrue(refused.getMessage().contains("apt-get install -y asterisk-core-sounds-en-wav"), refused.getMessage());
    }

    @Test
    void theDebianPackagesGiveRealDigitsAndSpeechWithoutKeywords(@TempDir Path dir) throws Exception {
        RealSpeechSet.Sources debian = RealSpeechSet.Sources.debian();
        assertEquals(List.of(), debian.missing(), "bin/install-test-packages installs them");
        List<RealSpeechSet.Clip> clips = new RealSpeechSet(debian, 16000, KEYWORDS).write(dir);
        List<RealSpeechSet.Clip> digits = clips.stream().filter(c -> !c.label().equals(KeywordDataset.UNKNOWN)).toList();
        assertEquals(RealSpeechSet.DIGITS, digits.stream().map(RealSpeechSet.Clip::label).toList());
        List<RealSpeechSet.Clip> speech = clips.stream().filter(c -> c.label().equals(KeywordDataset.UNKNOWN)).toList();
        assertTrue(speech.size() > 500, "hundreds of pieces of prompts, letters and sentences: " + speech.size());
        Set<String> sources = speech.stream().map(RealSpeechSet.Clip::source).collect(Collectors.toSet());
        assertTrue(sources.stream().anyMatch(s -> s.contains("/librivox/")), "a second speaker's sentences");
        assertTrue(sources.stream().anyMatch(s -> s.endsWith("/phonetic/a_p.wav")), "the NATO alphabet");
        assertFalse(sources.stream().anyMatch(s -> s.endsWith("/phonetic/9_p.wav") || s.endsWith("/digits/oh.wav")),
                "'niner' and 'oh' are digits by other names");
        assertFalse(sources.stream().anyMatch(s -> s.endsWith("/call-fwd-no-ans.wav")), "'Call-Forward on No Answer'");
        assertFalse(sources.stream().anyMatch(s -> s.endsWith("/beep.wav")), "a tone is no speech");
        List<String> pieces = new ArrayList<>();
        for (RealSpeechSet.Clip clip : speech) {
            WavFile.Audio audio = WavFile.read(dir.resolve(clip.path()));
            assertTrue(audio.seconds() <= SpeechPieces.WHOLE_CLIP_SECONDS + 1e-6, clip.path());
            pieces.add(clip.path());
        }
        assertEquals(pieces.size(), Set.copyOf(pieces).size(), "every clip once");
    }
}
