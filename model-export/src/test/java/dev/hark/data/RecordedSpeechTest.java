package dev.hark.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hark.audio.WavFile;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordedSpeechTest {
    /** The packages' layout: asterisk's three speakers with transcripts, two Hedgewars packs as Ogg Vorbis (by sox). */
    static RecordedSpeech.Sources fakePackages(Path dir) throws Exception {
        Path sounds = dir.resolve("sounds");
        for (Map.Entry<String, String> speaker : RecordedSpeech.ASTERISK_SPEAKERS.entrySet()) {
            Path folder = Files.createDirectories(sounds.resolve(speaker.getKey()).resolve("digits"));
            WavFile.write(folder.resolve("0.wav"), RealSpeechSetTest.tone(8000, 0.5, 0.3), 8000);
            WavFile.write(folder.getParent().resolve("activated.wav"), RealSpeechSetTest.tone(8000, 0.6, 0.3), 8000);
            WavFile.write(folder.getParent().resolve("long.wav"), RealSpeechSetTest.tone(8000, 2.5, 0.3), 8000);
            WavFile.write(folder.getParent().resolve("say-no.wav"), RealSpeechSetTest.tone(8000, 0.6, 0.3), 8000);
            Path docs = Files.createDirectories(dir.resolve("doc/asterisk-core-sounds-" + speaker.getValue()));
            try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(
                    docs.resolve("core-sounds-" + speaker.getValue() + ".txt.gz")))) {
                out.write(String.join("\n", "; sounds", "digits/0: zéro", "activated: Activé.",
                        "long: Veuillez patienter, s'il vous plaît.", "say-no: Non.", "beep: [bip]")
                        .getBytes(StandardCharsets.UTF_8));
            }
        }
        Path voices = dir.resolve("voices");
        for (String pack : List.of("Default", "Pirate")) {
            Path folder = Files.createDirectories(voices.resolve(pack));
            for (String phrase : List.of("Hello", "Ow1", "Nooo", "Yessir")) {
                Path wav = dir.resolve(pack + phrase + ".wav");
                WavFile.write(wav, RealSpeechSetTest.tone(44100, 0.4, 0.3), 44100);
                Process sox = new ProcessBuilder("sox", "-q", wav.toString(), "-c", "2",
                        folder.resolve(phrase + ".ogg").toString()).inheritIO().start();
                assertEquals(0, sox.waitFor(), "sox writes Ogg Vorbis");
            }
        }
        return new RecordedSpeech.Sources(sounds, dir.resolve("doc"), voices);
    }

    @Test
    void speechWithoutKeywordsInPiecesWithHeldOutSpeakersListedForValidation(@TempDir Path dir) throws Exception {
        Path dataset = Files.createDirectories(dir.resolve("set"));
        Files.writeString(dataset.resolve("validation_list.txt"), "yes/a_nohash_0.wav\n");
        Path linked = dir.resolve("linked_validation_list.txt");
        Files.createLink(linked, dataset.resolve("validation_list.txt")); // as in a copy of the set made with hard links
        RecordedSpeech recorded = new RecordedSpeech(fakePackages(dir), 16000, RealSpeechSetTest.KEYWORDS);
        List<RecordedSpeech.Clip> clips = recorded.writeInto(dataset);
        // Per asterisk speaker: "activated" whole, "long" in two one-second pieces; not its digit, "Non", the beep.
        // Per pack: Hello and Ow1; not Nooo or Yessir.
        assertEquals(3 * 3 + 2 * 2, clips.size(), clips.toString());
        assertTrue(clips.stream().noneMatch(c -> c.source().contains("digits") || c.source().contains("say-no")
                || c.source().contains("Nooo") || c.source().contains("Yessir")), clips.toString());
        for (RecordedSpeech.Clip clip : clips) {
            WavFile.Audio audio = WavFile.read(dataset.resolve(clip.path()));
            assertEquals(16000, audio.sampleRate(), clip.path());
            double expected = clip.path().contains("long") ? 1.0 : clip.path().contains("activated") ? 0.6 : 0.4;
            assertEquals(expected, audio.seconds(), 0.02, clip.path() + ": resampled, length kept");
            assertTrue(clip.path().startsWith(RecordedSpeech.FOLDER + "/") && clip.path().contains("_nohash_"), clip.path());
            assertEquals(RecordedSpeech.VALIDATION_SPEAKERS.contains(clip.speaker()),
                    clip.split() == KeywordDataset.Split.VALIDATION, clip.path());
            assertEquals(RecordedSpeech.TEST_SPEAKERS.contains(clip.speaker()), clip.split() == KeywordDataset.Split.TEST,
                    clip.path());
        }
        List<String> validation = Files.readAllLines(dataset.resolve("validation_list.txt"));
        List<String> expected = new java.util.ArrayList<>(List.of("yes/a_nohash_0.wav"));
        clips.stream().filter(c -> c.split() == KeywordDataset.Split.VALIDATION).map(RecordedSpeech.Clip::path)
                .forEach(expected::add);
        assertEquals(expected, validation, "the set's own lines kept, the held-out speakers' clips added");
        assertEquals(2, validation.size() - 1, "the Pirate pack's two clips");
        assertEquals(3, Files.readAllLines(dataset.resolve("testing_list.txt")).size(), "Carlo's three clips");
        assertEquals(List.of("yes/a_nohash_0.wav"), Files.readAllLines(linked), "the original set's list untouched");

        // Run again: the same clips and lines, nothing twice.
        assertEquals(clips, recorded.writeInto(dataset));
        assertEquals(expected, Files.readAllLines(dataset.resolve("validation_list.txt")));
        try (var files = Files.list(dataset.resolve(RecordedSpeech.FOLDER))) {
            assertEquals(clips.size(), files.count());
        }

        // A training set's loader reads them as _unknown_, the held-out speakers in the validation split.
        KeywordDataset loaded = KeywordDataset.load(dataset, List.of("yes", KeywordDataset.UNKNOWN), 16000, 1,
                KeywordDataset.Use.EVALUATION);
        assertEquals(clips.size(), loaded.examples().size());
        assertTrue(loaded.examples().stream().allMatch(e -> e.label().equals(KeywordDataset.UNKNOWN)));
        assertEquals(2, loaded.split(KeywordDataset.Split.VALIDATION).size());
        assertEquals(3, loaded.split(KeywordDataset.Split.TEST).size());
    }

    @Test
    void missingPackagesAreNamed(@TempDir Path dir) {
        RecordedSpeech.Sources nowhere = new RecordedSpeech.Sources(dir.resolve("a"), dir.resolve("b"), dir.resolve("c"));
        assertEquals(List.of("asterisk-core-sounds-fr-wav", "asterisk-core-sounds-fr", "asterisk-core-sounds-it-wav",
                "asterisk-core-sounds-it", "asterisk-core-sounds-ru-wav", "asterisk-core-sounds-ru", "hedgewars-data"),
                nowhere.missing());
        IOException refused = assertThrows(IOException.class,
                () -> new RecordedSpeech(nowhere, 16000, RealSpeechSetTest.KEYWORDS).writeInto(dir));
        assertTrue(refused.getMessage().contains("apt-get install -y asterisk-core-sounds-fr-wav"), refused.getMessage());
    }
}
