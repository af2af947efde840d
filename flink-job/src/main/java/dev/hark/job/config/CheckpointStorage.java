package dev.hark.job.config;

import java.nio.file.Path;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ReadableConfig;

/**
 * Where checkpoints go. Flink's default keeps them in the JobManager's memory, which refuses a checkpoint above a
 * few megabytes (a few hundred streams of hark's state) and loses them with the JobManager: hark's own launchers
 * put them in a file system instead, and the job warns where a configuration leaves them in memory.
 */
public final class CheckpointStorage {
    private CheckpointStorage() {
    }

    /** Whether checkpoints would be kept in the JobManager's memory. */
    public static boolean inJobManagerMemory(ReadableConfig config) {
        return config.getOptional(CheckpointingOptions.CHECKPOINT_STORAGE)
                .map(storage -> storage.equalsIgnoreCase("jobmanager"))
                // Without a storage, Flink writes to the checkpoint directory when there is one.
                .orElse(config.getOptional(CheckpointingOptions.CHECKPOINTS_DIRECTORY).isEmpty());
    }

    /** Checkpoints in {@code location} (a folder or a file-system URI such as {@code s3://bucket/checkpoints}). */
    public static void useFileSystem(Configuration config, String location) {
        config.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        config.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, location.contains("://") ? location
                : Path.of(location).toAbsolutePath().normalize().toUri().toString());
    }

    /** Checkpoints in {@code folder} unless the configuration chose any storage or directory itself. */
    public static void defaultToFolder(Configuration config, Path folder) {
        if (config.getOptional(CheckpointingOptions.CHECKPOINT_STORAGE).isEmpty()
                && config.getOptional(CheckpointingOptions.CHECKPOINTS_DIRECTORY).isEmpty()) {
            useFileSystem(config, folder.toString());
        }
    }
}
