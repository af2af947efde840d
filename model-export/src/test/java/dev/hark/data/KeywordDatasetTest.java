package dev.hark.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hark.audio.WavFile;
import dev.hark.training.Trainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeywordDatasetTest {

    @Test
    void readsSpeechCommandsLayoutWithSplitsUnknownAndSilence(@TempDir Path dir) throws IOException {
        float[] tone = new float[16000];
        for (int i = 0; i < tone.length; i++) {
            tone[i] = (float) (0.1 * Math.sin(i * 0.1));
        }
        List<String> folders = new java.util.ArrayList<>(DatasetSynthesizer.KEYWORDS);
        folders.add("bird");
        for (String label : folders) {
            WavFile.write(dir.resolve(label + "/a_nohash_0.wav"), tone, 16000);
            WavFile.write(dir.resolve(label + "/b_nohash_0.wav"), new float[8000], 16000); // short: padded
        }
        WavFile.write(dir.resolve("_background_noise_/white.wav"), Noise.generate(Noise.Colour.WHITE, 48000, 0.1,
                new java.util.Random(1)), 16000);
        Files.writeString(dir.resolve("testing_list.txt"), "yes/b_nohash_0.wav\nbird/b_nohash_0.wav\n");
        Files.writeString(dir.resolve("validation_list.txt"), "no/b_nohash_0.wav\n");

        KeywordDataset data = KeywordDataset.load(dir, Trainer.SPEECH_COMMANDS_LABELS, 16000, 1);

        assertEquals(2, data.split(KeywordDataset.Split.TEST).stream().filter(e -> !e.label().equals("_silence_")).count());
        assertEquals("_unknown_", data.examples().stream().filter(e -> e.source().equals("bird/a_nohash_0.wav"))
                .findFirst().orElseThrow().label());
        assertTrue(data.examples().stream().anyMatch(e -> e.label().equals("_silence_")));
        for (KeywordDataset.Example e : data.examples()) {
            assertEquals(16000, e.samples().length, e.source());
        }
        // A padded clip is padded with noise, never exact digital zeros.
        float[] padded = data.examples().stream().filter(e -> e.source().equals("up/b_nohash_0.wav")).findFirst()
                .orElseThrow().samples();
        assertTrue(padded[0] != 0f || padded[1] != 0f);
    }

    @Test
    void readsACsvOfPathAndLabelWithSpeakerStableSplits(@TempDir Path dir) throws IOException {
        List<String> lines = new java.util.ArrayList<>(List.of("path,label"));
        for (int speaker = 0; speaker < 40; speaker++) {
            for (String label : List.of("yes", "no", "cat")) {
                String path = "clips/" + label + "/s" + speaker + "_nohash_0.wav";
                WavFile.write(dir.resolve(path), new float[12000], 16000);
                lines.add(path + "," + label);
            }
        }
        Files.write(dir.resolve("list.csv"), lines);
        KeywordDataset data = KeywordDataset.load(dir.resolve("list.csv"), List.of("yes", "no", "_unknown_"), 16000, 1);
        assertEquals(120, data.examples().size());
        assertEquals(40, data.examples().stream().filter(e -> e.label().equals("_unknown_")).count());
        for (KeywordDataset.Example e : data.examples()) {
            String speaker = e.source().substring(e.source().lastIndexOf('/') + 1);
            assertEquals(KeywordDataset.splitOf(speaker), e.split(), "one speaker, one split");
            assertEquals(16000, e.samples().length);
        }
        assertTrue(data.split(KeywordDataset.Split.TEST).size() > 0 && data.split(KeywordDataset.Split.VALIDATION).size() > 0);

        Files.writeString(dir.resolve("bad.csv"), "clips/yes/s0_nohash_0.wav;yes\n");
        IOException bad = assertThrows(IOException.class,
                () -> KeywordDataset.load(dir.resolve("bad.csv"), List.of("yes"), 16000, 1));
        assertTrue(bad.getMessage().contains("line 1: expected 'path,label'"), bad.getMessage());
    }

    @Test
    void evaluatesTheSpeechCommandsTestSetLayoutWithSilenceAndUnknownFolders(@TempDir Path dir) throws IOException {
        // The official test set: a folder per label, _silence_/ and _unknown_/ explicit, no _background_noise_/.
        for (String label : List.of("yes", "no", "_silence_", "_unknown_")) {
            WavFile.write(dir.resolve(label + "/a_nohash_0.wav"), new float[16000], 16000);
            WavFile.write(dir.resolve(label + "/b_nohash_0.wav"), new float[16000], 16000);
        }
        KeywordDataset data = KeywordDataset.load(dir, Trainer.SPEECH_COMMANDS_LABELS, 16000, 1,
                KeywordDataset.Use.EVALUATION);
        java.util.Map<String, Long> byLabel = new java.util.TreeMap<>();
        data.examples().forEach(e -> byLabel.merge(e.label(), 1L, Long::sum));
        assertEquals(java.util.Map.of("_silence_", 2L, "_unknown_", 2L, "no", 2L, "yes", 2L), byLabel,
                "the folders' clips as they are: no silence made up, no label required");
        assertTrue(data.examples().stream().filter(e -> e.label().equals("_silence_"))
                .allMatch(e -> e.source().startsWith("_silence_/")));
        // Training from it still needs every label.
        IOException training = assertThrows(IOException.class,
                () -> KeywordDataset.load(dir, Trainer.SPEECH_COMMANDS_LABELS, 16000, 1));
        assertTrue(training.getMessage().contains("has no training examples"), training.getMessage());
    }

    @Test
    void evaluatesACsvWholeWithoutATrainingSplit(@TempDir Path dir) throws IOException {
        List<String> lines = new java.util.ArrayList<>(List.of("path,label"));
        for (String label : List.of("yes", "stop", "_silence_")) {
            WavFile.write(dir.resolve(label + ".wav"), new float[16000], 16000);
            lines.add(label + ".wav," + label);
        }
        Files.write(dir.resolve("test.csv"), lines);
        KeywordDataset data = KeywordDataset.load(dir.resolve("test.csv"), Trainer.SPEECH_COMMANDS_LABELS, 16000, 1,
                KeywordDataset.Use.EVALUATION);
        assertEquals(3, data.split(KeywordDataset.Split.TEST).size(), "every clip is scored");
        assertThrows(IOException.class, () -> KeywordDataset.load(dir.resolve("test.csv"),
                Trainer.SPEECH_COMMANDS_LABELS, 16000, 1), "training needs every label");
    }

    @Test
    void explainsANonWavFile(@TempDir Path dir) throws IOException {
        Files.createDirectories(dir.resolve("yes"));
        Files.writeString(dir.resolve("yes/readme.wav"), "not audio");
        IOException e = assertThrows(IOException.class, () -> KeywordDataset.load(dir, List.of("yes"), 16000, 1));
        assertTrue(e.getMessage().contains("not a readable WAV file"), e.getMessage());
    }

    @Test
    void explainsAMissingFolderAndAMissingLabel(@TempDir Path dir) throws IOException {
        IOException missing = assertThrows(IOException.class,
                () -> KeywordDataset.load(dir.resolve("nope"), Trainer.SPEECH_COMMANDS_LABELS, 16000, 1));
        assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());

        WavFile.write(dir.resolve("yes/a_nohash_0.wav"), new float[16000], 16000);
        IOException label = assertThrows(IOException.class,
                () -> KeywordDataset.load(dir, List.of("yes", "no"), 16000, 1));
        assertTrue(label.getMessage().contains("'no' has no training examples"), label.getMessage());
    }
}
