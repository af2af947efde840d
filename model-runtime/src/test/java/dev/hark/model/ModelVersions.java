package dev.hark.model;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/** Test models: copies of the bundled model as version folders of a model root, their contracts edited. */
public final class ModelVersions {
    /** The bundled default model, seen from this module's folder or from a sibling module's (where Maven runs tests). */
    public static final Path BUNDLED = Files.isDirectory(Path.of("models", "keywords"))
            ? Path.of("models", "keywords") : Path.of("..", "model-export", "models", "keywords");

    private ModelVersions() {
    }

    /**
     * Copies the bundled model to {@code root/name} and writes its contract, changed by {@code edit}, last: as a
     * producer of new versions should, so a half-copied version is never taken for a model.
     */
    public static Path add(Path root, String name, UnaryOperator<ModelContract> edit) throws Exception {
        return add(root, name, edit, dir -> { });
    }

    /** As {@link #add(Path, String, UnaryOperator)}, with {@code beforeContract} run on the folder before the contract. */
    private static Path add(Path root, String name, UnaryOperator<ModelContract> edit,
                            java.util.function.Consumer<Path> beforeContract) throws Exception {
        Path dir = root.resolve(name);
        try (var files = Files.walk(BUNDLED)) {
            for (Path p : files.toList()) {
                Path target = dir.resolve(BUNDLED.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else if (!p.getFileName().toString().equals(ModelContract.FILE_NAME)) {
                    Files.copy(p, target);
                }
            }
        }
        beforeContract.accept(dir);
        edit.apply(ModelContract.read(BUNDLED)).write(dir);
        return dir;
    }

    /** A version folder that differs from the bundled model only in its contract's version. */
    public static Path add(Path root, String version) throws Exception {
        return add(root, version, c -> c.withVersion(version));
    }

    /** A version folder whose saved_model.pb is garbage: it does not load. */
    public static Path addBroken(Path root, String version) throws Exception {
        return add(root, version, c -> c.withVersion(version), dir -> {
            try {
                Files.write(dir.resolve("saved_model.pb"), new byte[] {1, 2, 3});
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }
}
