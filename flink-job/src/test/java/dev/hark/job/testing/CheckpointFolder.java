package dev.hark.job.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** Sizes of the checkpoints a job writes to a folder ({@code <root>/<job id>/chk-<n>}), read as they are written. */
public final class CheckpointFolder {
    private CheckpointFolder() {
    }

    /** The size of the largest checkpoint folder under {@code root} now (complete or still being written). */
    public static long largestBytes(Path root) {
        return checkpoints(root, false).stream().mapToLong(CheckpointFolder::size).max().orElse(0);
    }

    /** The size of the newest complete checkpoint (one with its {@code _metadata}) under {@code root}, or -1. */
    public static long newestCompleteBytes(Path root) {
        List<Path> complete = checkpoints(root, true);
        return complete.isEmpty() ? -1 : size(complete.get(complete.size() - 1));
    }

    /** The newest complete checkpoint's number, or -1. */
    public static long newestCompleteNumber(Path root) {
        List<Path> complete = checkpoints(root, true);
        return complete.isEmpty() ? -1 : number(complete.get(complete.size() - 1));
    }

    private static List<Path> checkpoints(Path root, boolean completeOnly) {
        try (Stream<Path> dirs = Files.find(root, 2, (p, a) -> a.isDirectory() && p.getFileName().toString().startsWith("chk-"))) {
            return dirs.filter(d -> !completeOnly || Files.isRegularFile(d.resolve("_metadata")))
                    .sorted(Comparator.comparingLong(CheckpointFolder::number)).toList();
        } catch (IOException | UncheckedIOException gone) {
            return List.of(); // a folder subsumed while we looked
        }
    }

    private static long number(Path chk) {
        return Long.parseLong(chk.getFileName().toString().substring(4));
    }

    private static long size(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> {
                try {
                    return Files.size(f);
                } catch (IOException gone) {
                    return 0;
                }
            }).sum();
        } catch (IOException | UncheckedIOException gone) {
            return 0;
        }
    }
}
