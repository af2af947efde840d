package dev.hark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.hark.data.DatasetSynthesizer;
import dev.hark.training.KeywordCnn;
import dev.hark.model.ModelContract;
import dev.hark.model.Precision;
import dev.hark.training.Trainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/hark train} over a folder that already holds a model: refused up front, replaced when asked; and with
 * narrower conv layers, which its contract names.
 */
class TrainCommandITCase {
    @Test
    void replacesAModelOnlyWhenAskedAndOnlyOnceTheNewOneIsTrained(@TempDir Path dir) throws IOException {
        Path data = dir.resolve("data");
        new DatasetSynthesizer(5, 1, 2).write(data);
        Path model = dir.resolve("model");
        String[] train = {"train", "--data", data.toString(), "--out", model.toString(), "--epochs", "1"};
        assertEquals(0, HarkCommand.run(concat(train, "--model-version", "1")).exit());

        // Refused before the data are even read: a typo in --data is not what it reports.
        HarkCommand.refused("already holds a SavedModel: choose a new folder, or add --replace",
                "train", "--data", "/no/such/data", "--out", model.toString());
        // A training that fails leaves the old model as it was.
        HarkCommand.refused("does not exist", "train", "--data", "/no/such/data", "--out", model.toString(), "--replace");
        assertEquals("1", ModelContract.read(model).version());

        HarkCommand.refused("--channels takes 4 positive numbers, one per conv layer",
                concat(train, "--replace", "--channels", "16,32,64"));
        assertEquals("1", ModelContract.read(model).version());

        HarkCommand.refused("--input-pool takes two positive numbers, frames and mel bands per block",
                concat(train, "--replace", "--input-pool", "0,2"));
        assertEquals("1", ModelContract.read(model).version());

        assertEquals(0, HarkCommand.run(concat(train, "--model-version", "2", "--replace", "--channels", "16,16,32,32",
                "--input-pool", "2,2", "--first-pool", "4,2")).exit());
        assertEquals("2", ModelContract.read(model).version());
        assertEquals(List.of(16, 16, 32, 32), KeywordCnn.channelsOf(ModelContract.read(model).training()),
                "the new model's contract names the channels it was trained with");
        assertEquals(KeywordCnn.Front.CURRENT.withInputPool(2, 2).withFirstPool(4, 2), KeywordCnn.Front.of(ModelContract.read(model).training()),
                "and the pooling");
        assertEquals(Precision.AUTO.resolve().key(), ModelContract.read(model).training().get(Trainer.PRECISION_KEY),
                "and the precision, auto resolved on this machine");
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(List.of("data", "model"), left.map(p -> p.getFileName().toString()).sorted().toList(),
                    "nothing left of the staging folder");
        }
        assertFalse(Files.exists(model.resolve("model")), "the new model replaced the old, not nested in it");
    }

    private static String[] concat(String[] head, String... tail) {
        return Stream.concat(Stream.of(head), Stream.of(tail)).toArray(String[]::new);
    }
}
