package dev.hark.audio;

/** Audio that cannot be used, with a machine-readable reason and a message that says how to fix it. */
public final class InvalidAudioException extends IllegalArgumentException {
    private final String reason;

    public InvalidAudioException(String reason, String message) {
        super(message);
        this.reason = reason;
    }

    /** A stable code such as {@code ODD_BYTE_COUNT} for dead letters and metrics. */
    public String reason() {
        return reason;
    }
}
