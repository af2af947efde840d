package dev.hark.job;

import dev.hark.model.ModelContract;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/** Test models: copies of the bundled model as version folders of a model root, their contracts edited. */
public final class ModelVersions {
    /** The bundled default model, seen from the flink-job module. */
    public static final Path BUNDLED = Path.of("..", "model-export", "models", "keywords");

    private ModelVersions() {
    }

    /**
     * Copies the bundled model to {@code root/name} and writes its contract, changed by {@code edit}, last: as a
     * producer of new versions should, so a half-copied version is never taken for a model.
     */
    public static Path add(Path root, String name, UnaryOperator<ModelContract> edit) throws Exception {
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
        edit.apply(ModelContract.read(BUNDLED)).write(dir);
        return dir;
    }

    /** A version folder that differs from the bundled model only in its contract's version. */
    public static Path add(Path root, String version) throws Exception {
        return add(root, version, c -> withVersion(c, version));
    }

    public static ModelContract withVersion(ModelContract c, String version) {
        return new ModelContract(c.format(), c.name(), version, c.labels(), c.features(), c.windowFrames(), c.signature(),
                c.inputName(), c.outputName(), c.training(), c.metrics(), c.inputKind(), c.outputKind(), c.thresholds());
    }
}
