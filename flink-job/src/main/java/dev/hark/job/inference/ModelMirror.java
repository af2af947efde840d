package dev.hark.job.inference;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import dev.hark.model.ModelContract;

/**
 * Makes a model location that TensorFlow can load: a plain local path is used as it is; a URI of any Flink file
 * system ({@code s3://} with Flink's S3 plugin, {@code hdfs://}, {@code file://}, ...) is mirrored into a local
 * folder, copying only files not mirrored yet, so a model root's new versions arrive on the next call; what is gone
 * from the location is removed from the mirror (a version taken away is no longer served). A version's contract file
 * is copied after everything else in its folder, so a half-copied version is never seen as a model. Subtasks of one
 * TaskManager mirror one at a time; files are written under unique temporary names and moved into place.
 */
final class ModelMirror {
    private ModelMirror() {
    }

    /** Whether {@code location} is a file-system URI ({@code scheme://...}) rather than a plain local path. */
    public static boolean isUri(String location) {
        try {
            String scheme = URI.create(location.replace(" ", "%20")).getScheme();
            return scheme != null && scheme.length() > 1; // "C:" is a drive, not a scheme
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * The contract of the model at {@code location} (of its newest version, for a model root), read where it lies:
     * what a job needs to build its graph, without copying any model to the machine that builds it.
     */
    public static ModelContract readContract(String location) throws IOException {
        if (!isUri(location)) {
            return ModelContract.read(dev.hark.model.ModelRoot.resolve(Path.of(location)));
        }
        org.apache.flink.core.fs.Path root = new org.apache.flink.core.fs.Path(URI.create(location.replace(" ", "%20")));
        FileSystem fs = root.getFileSystem();
        if (!fs.exists(root)) {
            throw new IOException("model location " + location + " does not exist");
        }
        org.apache.flink.core.fs.Path contract = new org.apache.flink.core.fs.Path(root, ModelContract.FILE_NAME);
        if (!fs.exists(contract)) {
            FileStatus[] children = fs.listStatus(root);
            contract = java.util.Arrays.stream(children == null ? new FileStatus[0] : children)
                    .filter(FileStatus::isDir)
                    .map(dir -> new org.apache.flink.core.fs.Path(dir.getPath(), ModelContract.FILE_NAME))
                    .filter(file -> exists(fs, file))
                    .max(java.util.Comparator.comparing((org.apache.flink.core.fs.Path file) -> file.getParent().getName(),
                            dev.hark.model.ModelRoot::compareVersions))
                    .orElseThrow(() -> new IOException(location + " is neither a model folder (no " + ModelContract.FILE_NAME
                            + ") nor a model root with version folders that hold one"));
        }
        try (InputStream in = fs.open(contract)) {
            return ModelContract.parse(in, contract.toString());
        }
    }

    private static boolean exists(FileSystem fs, org.apache.flink.core.fs.Path file) {
        try {
            return fs.exists(file);
        } catch (IOException e) {
            return false;
        }
    }

    /** The local folder to read {@code location} from, after syncing it if it is remote. */
    public static synchronized Path localView(String location) throws IOException {
        if (!isUri(location)) {
            return Path.of(location);
        }
        URI uri = URI.create(location.replace(" ", "%20"));
        String name = Integer.toHexString(location.hashCode()) + "-" + Path.of(uri.getPath()).getFileName();
        Path target = Path.of(System.getProperty("java.io.tmpdir"), "hark-models", name);
        org.apache.flink.core.fs.Path source = new org.apache.flink.core.fs.Path(uri);
        FileSystem fs = source.getFileSystem();
        if (!fs.exists(source)) {
            throw new IOException("model location " + location + " does not exist");
        }
        copyMissing(fs, source, target);
        return target;
    }

    private static void copyMissing(FileSystem fs, org.apache.flink.core.fs.Path dir, Path target) throws IOException {
        Files.createDirectories(target);
        FileStatus[] children = fs.listStatus(dir);
        if (children == null) {
            return;
        }
        FileStatus contract = null;
        java.util.Set<String> remote = new java.util.HashSet<>();
        for (FileStatus child : children) {
            String name = child.getPath().getName();
            remote.add(name);
            if (child.isDir()) {
                copyMissing(fs, child.getPath(), target.resolve(name));
            } else if (name.equals(ModelContract.FILE_NAME)) {
                contract = child;
            } else {
                copyFile(fs, child, target.resolve(name));
            }
        }
        if (contract != null) {
            copyFile(fs, contract, target.resolve(ModelContract.FILE_NAME));
        }
        try (var local = Files.list(target)) {
            for (Path stale : local.filter(p -> !remote.contains(p.getFileName().toString())).toList()) {
                deleteTree(stale);
            }
        }
    }

    private static void deleteTree(Path path) throws IOException {
        if (Files.isDirectory(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            try (var children = Files.list(path)) {
                for (Path child : children.toList()) {
                    deleteTree(child);
                }
            }
        }
        Files.deleteIfExists(path);
    }

    /** Copies a file unless the mirror has it already (same size and, where the file system says, same time). */
    private static void copyFile(FileSystem fs, FileStatus file, Path local) throws IOException {
        long modified = file.getModificationTime();
        if (Files.exists(local) && Files.size(local) == file.getLen()
                && (modified <= 0 || Files.getLastModifiedTime(local).toMillis() == modified)) {
            return;
        }
        Path partial = local.resolveSibling(local.getFileName() + ".part-" + java.util.UUID.randomUUID());
        try (InputStream in = fs.open(file.getPath())) {
            Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
        }
        if (modified > 0) {
            Files.setLastModifiedTime(partial, java.nio.file.attribute.FileTime.fromMillis(modified));
        }
        Files.move(partial, local, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
