package dev.hark.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * espeak-ng's MBROLA voices. The tests that speak need the mbrola program and the us1 and us3 databases, which
 * {@code bin/install-test-packages} installs with the other test packages where Debian's non-free archive is
 * reachable; elsewhere they are skipped, and say so.
 */
class MbrolaVoicesITCase {
    /** Words whose diphones the us3 database lacks (mbrola says "_-O2 unknown", "Z-u unknown"). */
    private static final java.util.Set<String> US3_CANNOT_SAY = java.util.Set.of("on", "off", "visual");

    private static void assumeInstalled(String... names) {
        List<String> installed = MbrolaVoices.installed();
        for (String name : names) {
            assumeTrue(installed.contains(name), "MBROLA voice " + name + " is not installed (bin/install-mbrola "
                    + name + ")");
        }
    }

    @Test
    void heldOutVoicesAreNotTrainingVoicesAndNamesMapToPackages() {
        List<String> training = MbrolaVoices.trainingVoices(MbrolaVoices.ALL);
        assertEquals(MbrolaVoices.ALL.size() - 2, training.size());
        assertFalse(training.contains(MbrolaVoices.VALIDATION));
        assertFalse(training.contains(MbrolaVoices.TEST));
        assertEquals("mbrola-de4", MbrolaVoices.debianPackage("de4-en"));
        assertEquals("mbrola-us1", MbrolaVoices.debianPackage("us1"));
        assertEquals("mb-de4-en", MbrolaVoices.espeakVoice("de4-en"));
        assertTrue(MbrolaVoices.isMbrola("mb-us1"));
        assertFalse(MbrolaVoices.isMbrola("en-us"));
    }

    @Test
    void theInstallScriptInstallsEveryVoice() throws IOException {
        String script = Files.readString(Path.of("..", "bin", "install-mbrola"));
        String all = script.lines().filter(l -> l.startsWith("ALL=")).findFirst().orElseThrow();
        List<String> packages = List.of(all.substring(5, all.length() - 1).split(" ")).stream()
                .map(v -> "mbrola-" + v).toList();
        assertEquals(MbrolaVoices.ALL.stream().map(MbrolaVoices::debianPackage).toList(), packages);
    }

    @Test
    void aVoiceWithoutADiphoneIsRefusedNotPlayedWithAGap() throws IOException {
        assumeInstalled("us1", "us3");
        SpeechSynthesizer synth = new SpeechSynthesizer(16000);
        // us3 has no diphone from silence into the vowel of "on": mbrola would play silence in its place.
        IOException e = assertThrows(SpeechSynthesizer.MissingDiphoneException.class,
                () -> synth.speak("on", MbrolaVoices.espeakVoice("us3"), null, 175, 50));
        assertTrue(e.getMessage().contains("mb-us3") && e.getMessage().contains("'on'"), e.getMessage());
        float[] yes = synth.speak("yes", MbrolaVoices.espeakVoice("us3"), null, 175, 50);
        float[] on = synth.speak("on", MbrolaVoices.espeakVoice("us1"), null, 175, 50);
        assertTrue(yes.length > 16000 / 5 && on.length > 16000 / 5, "whole words: " + yes.length + ", " + on.length);
    }

    @Test
    void trainingHearsMbrolaVoicesAndTheHeldOutOnesOnlyInTheirSplits(@TempDir Path dir) throws IOException {
        assumeInstalled("us1", "us3");
        List<String> voices = List.of("us1", "us3");
        int clips = new DatasetSynthesizer(5, 1, 2, voices).write(dir);
        List<String> testing = Files.readAllLines(dir.resolve("testing_list.txt"));
        List<String> validation = Files.readAllLines(dir.resolve("validation_list.txt"));
        Map<String, String> voiceOf = new HashMap<>();
        for (String line : Files.readAllLines(dir.resolve(KeywordDataset.SPEAKERS_FILE)).stream().skip(1).toList()) {
            String[] cells = line.split(",");
            voiceOf.put(cells[0], cells[1]);
        }
        int us1Training = 0;
        int us3Testing = 0;
        int written = 0;
        for (String word : Files.list(dir).filter(Files::isDirectory).map(p -> p.getFileName().toString()).toList()) {
            if (word.equals(DatasetSynthesizer.BACKGROUND_NOISE)) {
                continue;
            }
            for (Path clip : Files.list(dir.resolve(word)).toList()) {
                written++;
                String relative = word + "/" + clip.getFileName();
                String name = clip.getFileName().toString();
                String voice = voiceOf.get(name.substring(0, name.indexOf("_nohash_")));
                if (voice.equals("mb-us1")) {
                    assertFalse(testing.contains(relative) || validation.contains(relative), relative);
                    us1Training++;
                } else if (voice.equals("mb-us3")) {
                    assertTrue(testing.contains(relative), relative + " is the test MBROLA voice's, in testing");
                    assertFalse(US3_CANNOT_SAY.contains(word), "us3 cannot say " + word + " whole");
                    us3Testing++;
                }
            }
        }
        assertEquals(written, clips);
        assertTrue(us1Training > 0, "training has us1");
        // Each keyword twice and every sixth other word, but for the words us3 lacks a diphone for.
        long keywords = DatasetSynthesizer.KEYWORDS.stream().filter(w -> !US3_CANNOT_SAY.contains(w)).count();
        long otherWords = java.util.stream.IntStream.range(0, DatasetSynthesizer.OTHER_WORDS.size())
                .filter(i -> i % DatasetSynthesizer.TEST_VARIANTS.size() == 0)
                .mapToObj(DatasetSynthesizer.OTHER_WORDS::get).filter(w -> !US3_CANNOT_SAY.contains(w)).count();
        assertEquals(keywords * DatasetSynthesizer.HELD_OUT_TAKES + otherWords, us3Testing);
    }
}
