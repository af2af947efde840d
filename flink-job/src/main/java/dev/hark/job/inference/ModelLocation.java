package dev.hark.job.inference;

import dev.hark.model.ModelContract;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;

/**
 * Where a model lies: a model folder or a model root (version folders), as a local path or a URI of any Flink file
 * system ({@code s3://}, {@code hdfs://}, {@code file://}, ...). Parsed once into one normal form, so that the job's
 * option, an announcement and the command line name the same location the same way: a local path is made absolute
 * and normalised, a URI is kept as written.
 */
public final class ModelLocation implements Serializable {
    private static final long serialVersionUID = 1L;
    private final String location;
    private final boolean remote;

    private ModelLocation(String location, boolean remote) {
        this.location = location;
        this.remote = remote;
    }

    /** Refuses a blank location; see the class comment for the normal form. */
    public static ModelLocation parse(String location) {
        if (location == null || location.isBlank()) {
            throw new IllegalArgumentException("a model location must name a folder or a file-system URI, got '"
                    + location + "'");
        }
        String trimmed = location.strip();
        if (ModelMirror.isUri(trimmed)) {
            return new ModelLocation(trimmed, true);
        }
        return new ModelLocation(Path.of(trimmed).toAbsolutePath().normalize().toString(), false);
    }

    /** Whether it is a file-system URI, read through Flink's file systems and mirrored to a local folder. */
    public boolean isRemote() {
        return remote;
    }

    /** The contract of the model there (a root's newest version), read where it lies, without copying the model. */
    public ModelContract readContract() throws IOException {
        return ModelMirror.readContract(location);
    }

    /** The local folder to load it from: itself, or its mirror, brought up to date (only changed files copied). */
    public Path localView() throws IOException {
        return ModelMirror.localView(location);
    }

    @Override
    public String toString() {
        return location;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelLocation other && location.equals(other.location);
    }

    @Override
    public int hashCode() {
        return location.hashCode();
    }
}
