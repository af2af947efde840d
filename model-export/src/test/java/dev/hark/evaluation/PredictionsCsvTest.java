package dev.hark.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.hark.data.KeywordDataset.Example;
import dev.hark.data.KeywordDataset.Split;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PredictionsCsvTest {
    private static final List<String> LABELS = List.of("yes", "no", "_unknown_");

    @Test
    void writesOneRowPerClipWithTheArgMaxAndEveryScore(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("p.csv");
        try (PredictionsCsv csv = new PredictionsCsv(file, LABELS, clip -> clip.source().startsWith("yes") ? "kal" : null)) {
            csv.add(new Example("yes", Split.TEST, new float[0], "yes/a_nohash_0.wav"), new float[] {0.7f, 0.2f, 0.1f});
            csv.add(new Example("no", Split.TEST, new float[0], "odd,\"name\".wav"), new float[] {0.1f, 0.3f, 0.6f});
        }
        List<String> lines = Files.readAllLines(file);
        assertEquals(List.of(
                "source,voice,actual,predicted,confidence,yes,no,_unknown_",
                "yes/a_nohash_0.wav,kal,yes,yes,0.700000,0.700000,0.200000,0.100000",
                "\"odd,\"\"name\"\".wav\",,no,_unknown_,0.600000,0.100000,0.300000,0.600000"), lines);
    }

    @Test
    void refusesScoresThatDoNotMatchTheLabels(@TempDir Path dir) throws Exception {
        try (PredictionsCsv csv = new PredictionsCsv(dir.resolve("p.csv"), LABELS, clip -> null)) {
            Example clip = new Example("yes", Split.TEST, new float[0], "yes/a.wav");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> csv.add(clip, new float[2]));
            assertEquals("2 scores for 3 labels", e.getMessage());
        }
    }
}
