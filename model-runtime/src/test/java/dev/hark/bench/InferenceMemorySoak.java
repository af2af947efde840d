package dev.hark.bench;

import dev.hark.model.AudioClassifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * Does native memory stay flat under load? Scores batches of windows through the bundled model for a while, then
 * loads and closes the model again and again (what every hot swap does), printing the process's resident memory
 * (VmRSS; the script pre-touches a fixed heap, so what grows is native memory) as it goes. Not a test: memory
 * is read, not asserted. Usage (from the repository root):
 * {@code docs/bench/inference_memory.sh [SECONDS] [RELOADS]}.
 */
public final class InferenceMemorySoak {
    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 60;
        int reloads = args.length > 1 ? Integer.parseInt(args[1]) : 50;
        Path model = Path.of("model-export", "models", "keywords");
        int batch = 32;
        try (AudioClassifier classifier = new AudioClassifier(model, 1, 1).open()) {
            float[] input = new float[batch * classifier.windowSize()];
            Random random = new Random(1);
            for (int i = 0; i < input.length; i++) {
                input[i] = (float) random.nextGaussian() - 8;
            }
            System.out.printf("phase inference: batches of %d windows for %d s%n", batch, seconds);
            System.out.printf("%10s %12s %10s%n", "seconds", "windows", "rss_mb");
            long start = System.nanoTime();
            long windows = 0;
            long nextReport = 0;
            while (System.nanoTime() - start < seconds * 1_000_000_000L) {
                classifier.classify(input, batch);
                windows += batch;
                long elapsed = (System.nanoTime() - start) / 1_000_000_000L;
                if (elapsed >= nextReport) {
                    System.out.printf("%10d %12d %10.1f%n", elapsed, windows, rssMb());
                    nextReport = elapsed + Math.max(1, seconds / 12);
                }
            }
            System.out.printf("%10d %12d %10.1f%n", (System.nanoTime() - start) / 1_000_000_000L, windows, rssMb());
        }
        System.out.printf("phase reloads: open, score one batch, close, %d times%n", reloads);
        System.out.printf("%10s %10s%n", "reloads", "rss_mb");
        for (int r = 1; r <= reloads; r++) {
            try (AudioClassifier classifier = new AudioClassifier(model, 1, 1).open()) {
                classifier.classify(new float[batch * classifier.windowSize()], batch);
            }
            if (r == 1 || r % Math.max(1, reloads / 10) == 0) {
                System.out.printf("%10d %10.1f%n", r, rssMb());
            }
        }
    }

    /** Resident set size of this process, from /proc (Linux): the Java heap is pre-touched, so growth is native. */
    static double rssMb() throws java.io.IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D+", "")) / 1024.0;
            }
        }
        return Double.NaN;
    }
}
