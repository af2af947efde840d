package dev.hark.model;

import java.util.List;

/** Accuracy and confusion matrix of single-label predictions; pure arithmetic, no TensorFlow. */
public final class Evaluation {
    private final List<String> labels;
    /** confusion[actual][predicted] */
    private final long[][] confusion;

    public Evaluation(List<String> labels) {
        this.labels = List.copyOf(labels);
        this.confusion = new long[labels.size()][labels.size()];
    }

    public void add(int actual, int predicted) {
        confusion[actual][predicted]++;
    }

    public long total() {
        long n = 0;
        for (long[] row : confusion) {
            for (long v : row) {
                n += v;
            }
        }
        return n;
    }

    public double accuracy() {
        long correct = 0;
        for (int i = 0; i < confusion.length; i++) {
            correct += confusion[i][i];
        }
        long total = total();
        return total == 0 ? Double.NaN : correct / (double) total;
    }

    public long[][] confusion() {
        long[][] copy = new long[confusion.length][];
        for (int i = 0; i < confusion.length; i++) {
            copy[i] = confusion[i].clone();
        }
        return copy;
    }

    public List<String> labels() {
        return labels;
    }

    /** Index of the largest score. */
    public static int argMax(float[] scores) {
        int best = 0;
        for (int i = 1; i < scores.length; i++) {
            if (scores[i] > scores[best]) {
                best = i;
            }
        }
        return best;
    }
}
