package dev.hark.client;

/**
 * Sends audio at the pace it is recorded: step {@code s} carries the audio from {@code start + s * stepMillis} to
 * {@code start + (s + 1) * stepMillis} and leaves at the end of that span, once it has been "recorded"; or every
 * step at once, where not in real time.
 */
public final class RealTimePacer {
    /** Sends one step's chunks; false once there is nothing more to send. */
    @FunctionalInterface
    public interface Step {
        boolean send(long step) throws InterruptedException;
    }

    private RealTimePacer() {
    }

    /** Runs the steps until one has nothing to send; returns how many steps sent something. */
    public static long run(long startMillis, long stepMillis, boolean realTime, Step step) throws InterruptedException {
        for (long s = 0; ; s++) {
            if (realTime) {
                long wait = startMillis + (s + 1) * stepMillis - System.currentTimeMillis();
                if (wait > 0) {
                    Thread.sleep(wait);
                }
            }
            if (!step.send(s)) {
                return s;
            }
        }
    }
}
