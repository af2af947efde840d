package dev.hark.cli.cluster;

import java.time.Duration;
import picocli.CommandLine.Option;

/** How the cluster commands reach a JobManager. */
public final class JobManagerOptions {
    @Option(names = "--jobmanager", required = true, paramLabel = "HOST:PORT",
            description = "The JobManager's REST address (its web UI), e.g. 127.0.0.1:8081.")
    String jobManager;

    @Option(names = "--timeout-s", defaultValue = "60", paramLabel = "S",
            description = "How long to wait for the JobManager's answers (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    public FlinkRestClient client() {
        return new FlinkRestClient(jobManager, Duration.ofSeconds(timeoutSeconds));
    }

    public Duration timeout() {
        return Duration.ofSeconds(timeoutSeconds);
    }
}
