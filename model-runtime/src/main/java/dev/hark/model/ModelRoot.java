package dev.hark.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Where a job finds its model: either a model folder itself (it holds {@value ModelContract#FILE_NAME}) or a model
 * root whose sub-folders are versions of a model ({@code root/1}, {@code root/2}, ...). The newest version is the one
 * whose folder name sorts last, numbers compared as numbers. A job watching a root picks up new versions as they appear.
 */
public final class ModelRoot {
    private ModelRoot() {
    }

    /** The model folder to serve now: {@code location} itself, or its newest version folder. */
    public static Path resolve(Path location) throws IOException {
        if (Files.isRegularFile(location.resolve(ModelContract.FILE_NAME))) {
            return location;
        }
        return newest(location).orElseThrow(() -> new IOException(location + " is neither a model folder (no "
                + ModelContract.FILE_NAME + ") nor a model root with version folders that hold one"));
    }

    /** Whether {@code location} is a root of versions rather than one model. */
    public static boolean isRoot(Path location) {
        return !Files.isRegularFile(location.resolve(ModelContract.FILE_NAME)) && Files.isDirectory(location);
    }

    /** The newest version folder under {@code root} that holds a contract file. */
    public static Optional<Path> newest(Path root) throws IOException {
        return versionsNewestFirst(root).stream().findFirst();
    }

    /** Every version folder under {@code root} that holds a contract file, newest first. */
    public static java.util.List<Path> versionsNewestFirst(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            return java.util.List.of();
        }
        try (Stream<Path> children = Files.list(root)) {
            return children.filter(p -> Files.isRegularFile(p.resolve(ModelContract.FILE_NAME)))
                    .sorted(Comparator.comparing((Path p) -> p.getFileName().toString(), ModelRoot::compareVersions)
                            .reversed())
                    .toList();
        }
    }

    /** Compares names part by part, digit runs as numbers: 2 < 10, 1.9 < 1.10. */
    public static int compareVersions(String a, String b) {
        String[] pa = a.split("(?<=\\d)(?=\\D)|(?<=\\D)(?=\\d)");
        String[] pb = b.split("(?<=\\d)(?=\\D)|(?<=\\D)(?=\\d)");
        for (int i = 0; i < Math.min(pa.length, pb.length); i++) {
            int c;
            if (!pa[i].isEmpty() && !pb[i].isEmpty() && Character.isDigit(pa[i].charAt(0)) && Character.isDigit(pb[i].charAt(0))) {
                c = new java.math.BigInteger(pa[i]).compareTo(new java.math.BigInteger(pb[i]));
            } else {
                c = pa[i].compareTo(pb[i]);
            }
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(pa.length, pb.length);
    }

    /**
     * Why {@code candidate} cannot replace {@code serving} in a running job (whose front end and windows are fixed),
     * or empty if it can.
     */
    public static Optional<String> incompatibility(ModelContract serving, ModelContract candidate) {
        if (!serving.features().equals(candidate.features())) {
            return Optional.of("its features " + candidate.features() + " differ from the running job's " + serving.features());
        }
        if (serving.windowFrames() != candidate.windowFrames() || serving.inputKind() != candidate.inputKind()) {
            return Optional.of("its input (" + candidate.inputKind() + ", " + candidate.windowFrames()
                    + " frames) differs from the running job's (" + serving.inputKind() + ", " + serving.windowFrames() + ")");
        }
        return Optional.empty();
    }
}
