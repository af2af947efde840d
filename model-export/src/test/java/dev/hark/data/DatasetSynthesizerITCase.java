package dev.hark.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hark.audio.WavFile;
import dev.hark.training.Trainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetSynthesizerITCase {

    private static List<String> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString()).sorted().toList();
        }
    }

    @Test
    void theSameSeedGivesTheSameDatasetAndHoldsVoicesOut(@TempDir Path dir) throws IOException {
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        int clips = new DatasetSynthesizer(3, 1, 2).write(a);
        new DatasetSynthesizer(3, 1, 2).write(b);
        List<String> names = files(a);
        assertEquals(names, files(b));
        for (String name : names) {
            assertArrayEquals(Files.readAllBytes(a.resolve(name)), Files.readAllBytes(b.resolve(name)), name);
        }
        // Layout of Speech Commands: one folder per word, lists, background noise.
        assertTrue(Files.isRegularFile(a.resolve("yes").resolve(Files.list(a.resolve("yes")).findFirst().orElseThrow().getFileName())));
        assertTrue(Files.list(a.resolve(DatasetSynthesizer.BACKGROUND_NOISE)).count() >= 3);
        List<String> testing = Files.readAllLines(a.resolve("testing_list.txt"));
        List<String> validation = Files.readAllLines(a.resolve("validation_list.txt"));
        // Each held-out speaker says every keyword in two takes; the other words once, one speaker each.
        int heldOutPerVoice = DatasetSynthesizer.KEYWORDS.size() * DatasetSynthesizer.HELD_OUT_TAKES
                * DatasetSynthesizer.TEST_VARIANTS.size() + DatasetSynthesizer.OTHER_WORDS.size();
        assertEquals(heldOutPerVoice * DatasetSynthesizer.TEST_VOICES.size(), testing.size());
        assertEquals(heldOutPerVoice * DatasetSynthesizer.VALIDATION_VOICES.size(), validation.size());
        for (String clip : testing) {
            assertFalse(validation.contains(clip));
        }
        // Held out twice over: test clips are test accents with test variants only, and training never hears either.
        java.util.Map<String, String[]> speakers = new java.util.HashMap<>();
        for (String line : Files.readAllLines(a.resolve(KeywordDataset.SPEAKERS_FILE)).stream().skip(1).toList()) {
            String[] cells = line.split(",");
            speakers.put(cells[0], cells);
        }
        java.util.Set<String> heldOut = new java.util.HashSet<>(testing);
        heldOut.addAll(validation);
        int madeUp = 0;
        // Keywords and other words alike are said by made-up and stock speakers: the kind of voice says nothing of
        // the label.
        java.util.Set<String> speakerKinds = new java.util.TreeSet<>();
        for (String clip : names) {
            if (!clip.contains("_nohash_")) {
                continue;
            }
            String[] speaker = speakers.get(clip.substring(clip.indexOf('/') + 1, clip.indexOf("_nohash_")));
            String voice = speaker[1];
            String variant = speaker[2];
            if (testing.contains(clip)) {
                assertTrue(DatasetSynthesizer.TEST_VOICES.contains(voice) && DatasetSynthesizer.TEST_VARIANTS.contains(variant), clip);
            } else if (validation.contains(clip)) {
                assertTrue(DatasetSynthesizer.VALIDATION_VOICES.contains(voice)
                        && DatasetSynthesizer.VALIDATION_VARIANTS.contains(variant), clip);
            } else {
                assertFalse(DatasetSynthesizer.TEST_VOICES.contains(voice) || DatasetSynthesizer.VALIDATION_VOICES.contains(voice), clip);
                assertFalse(DatasetSynthesizer.TEST_VARIANTS.contains(variant) || DatasetSynthesizer.VALIDATION_VARIANTS.contains(variant), clip);
                madeUp += variant.startsWith("made-up-") ? 1 : 0;
                String word = clip.substring(0, clip.indexOf('/'));
                speakerKinds.add((DatasetSynthesizer.KEYWORDS.contains(word) ? "keyword" : "other word") + " by a "
                        + (variant.startsWith("made-up-") ? "made-up" : "stock") + " voice");
            }
        }
        assertTrue(madeUp > 0, "training has made-up voices");
        assertEquals(java.util.Set.of("keyword by a made-up voice", "keyword by a stock voice",
                "other word by a made-up voice", "other word by a stock voice"), speakerKinds);
        // Every speaker of the test list is named: its voice is one of the test voices.
        KeywordDataset loaded = KeywordDataset.load(a, Trainer.SPEECH_COMMANDS_LABELS, 16000, 1);
        java.util.Set<String> testVoices = new java.util.TreeSet<>();
        loaded.split(KeywordDataset.Split.TEST).stream().map(loaded::voiceOf).filter(java.util.Objects::nonNull)
                .forEach(testVoices::add);
        assertEquals(new java.util.TreeSet<>(DatasetSynthesizer.TEST_VOICES), testVoices);
        // Every clip: 1 s, 16 kHz, never digital silence at the edges.
        WavFile.Audio audio = WavFile.read(a.resolve(testing.get(0)));
        assertEquals(16000, audio.sampleRate());
        assertEquals(16000, audio.samples().length);
        assertTrue(audio.samples()[0] != 0f || audio.samples()[1] != 0f);
    }

    @Test
    void placementIsDeterministicForASeed() {
        float[] speech = new float[5000];
        for (int i = 0; i < speech.length; i++) {
            speech[i] = (float) Math.sin(i * 0.1);
        }
        assertArrayEquals(DatasetSynthesizer.placeInSecond(speech, new Random(9)), DatasetSynthesizer.placeInSecond(speech, new Random(9)));
    }
}
