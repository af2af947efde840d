package dev.hark.job.testing;

import java.util.Arrays;

/**
 * Runs another main class in a JVM that a test starts, and ends that JVM when the test's goes away (its standard
 * input closes): a server started by a test never outlives it, however the test JVM ends.
 * Usage: {@code java -cp ... dev.hark.job.testing.ParentWatch MAIN_CLASS [ARGS...]}.
 */
public final class ParentWatch {
    private ParentWatch() {
    }

    public static void main(String[] args) throws Throwable {
        Thread watch = new Thread(() -> {
            try {
                while (System.in.read() != -1) {
                    // the parent writes nothing
                }
            } catch (java.io.IOException ignored) {
                // the pipe broke: the parent is gone too
            }
            System.exit(0);
        }, "parent-watch");
        watch.setDaemon(true);
        watch.start();
        try {
            Class.forName(args[0]).getMethod("main", String[].class)
                    .invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
