package dev.hark.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RandomVoiceTest {

    /** The frequency factors (percent) of formants 1 to 8 in a variant file. */
    private static List<Integer> formantFrequencies(String definition) {
        List<Integer> frequencies = new ArrayList<>();
        for (String line : definition.split("\n")) {
            String[] cells = line.trim().split("\\s+");
            if (cells[0].equals("formant") && !cells[1].equals("0")) {
                frequencies.add(Integer.parseInt(cells[2]));
            }
        }
        return frequencies;
    }

    @Test
    void aSeedGivesOneVoiceAndSeedsGiveMany() {
        assertEquals(RandomVoice.definition("v", new Random(3)), RandomVoice.definition("v", new Random(3)));
        assertNotEquals(RandomVoice.definition("v", new Random(3)), RandomVoice.definition("v", new Random(4)));
        assertEquals(RandomRoom.effects(new Random(3)), RandomRoom.effects(new Random(3)));
    }

    @Test
    void formantsMoveTogetherAsAVocalTractOfAnotherLength() {
        Random random = new Random(11);
        double lowest = Double.MAX_VALUE;
        double highest = 0;
        for (int i = 0; i < 400; i++) {
            String definition = RandomVoice.definition("v" + i, random);
            assertTrue(definition.startsWith("language variant\nname v" + i + "\n"), definition);
            List<Integer> frequencies = formantFrequencies(definition);
            assertEquals(8, frequencies.size(), definition);
            // One tract factor for all formants, a few percent of jitter each: the high formants (4-8, 4%) stay
            // within about 8% of their mean.
            double mean = frequencies.subList(3, 8).stream().mapToInt(Integer::intValue).average().orElseThrow();
            for (int f = 3; f < 8; f++) {
                assertTrue(Math.abs(frequencies.get(f) - mean) <= 0.17 * mean, definition);
            }
            lowest = Math.min(lowest, mean);
            highest = Math.max(highest, mean);
        }
        // Between them the voices span a tall man's tract to a child's.
        assertTrue(lowest < 86 && highest > 116, lowest + " .. " + highest);
    }
}
