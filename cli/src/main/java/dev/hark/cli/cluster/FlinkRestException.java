package dev.hark.cli.cluster;

/** A request to a Flink JobManager that failed, with what went wrong in words a person can act on. */
public final class FlinkRestException extends RuntimeException {
    public FlinkRestException(String message) {
        super(message);
    }
}
