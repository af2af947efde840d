package dev.hark.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Accuracy, per-label precision/recall/F1 and the confusion matrix of predictions; pure arithmetic, no TensorFlow. */
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

    /** Of the clips predicted as {@code label}, the share that were; NaN if none was predicted so. */
    public double precision(int label) {
        long predicted = 0;
        for (long[] row : confusion) {
            predicted += row[label];
        }
        return predicted == 0 ? Double.NaN : confusion[label][label] / (double) predicted;
    }

    /** Of the clips of {@code label}, the share predicted so; NaN if there were none. */
    public double recall(int label) {
        long actual = 0;
        for (long v : confusion[label]) {
            actual += v;
        }
        return actual == 0 ? Double.NaN : confusion[label][label] / (double) actual;
    }

    /** Harmonic mean of precision and recall; 0 when both are 0, NaN when either is undefined. */
    public double f1(int label) {
        double p = precision(label);
        double r = recall(label);
        if (Double.isNaN(p) || Double.isNaN(r)) {
            return Double.NaN;
        }
        return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }

    public long support(int label) {
        long n = 0;
        for (long v : confusion[label]) {
            n += v;
        }
        return n;
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

    /** {@code accuracy}, {@code total}, {@code per_label} {label: {precision, recall, f1, support}}, {@code confusion}. */
    public Map<String, Object> toJson() {
        Map<String, Object> perLabel = new LinkedHashMap<>();
        for (int i = 0; i < labels.size(); i++) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("precision", finiteOrNull(precision(i)));
            m.put("recall", finiteOrNull(recall(i)));
            m.put("f1", finiteOrNull(f1(i)));
            m.put("support", support(i));
            perLabel.put(labels.get(i), m);
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("accuracy", finiteOrNull(accuracy()));
        json.put("total", total());
        json.put("labels", labels);
        json.put("per_label", perLabel);
        json.put("confusion", confusion());
        return json;
    }

    /** A plain-text report: accuracy, a per-label table and the confusion matrix (rows actual, columns predicted). */
    public String toText() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(java.util.Locale.ROOT, "accuracy %.4f on %d clips%n%n", accuracy(), total()));
        sb.append(String.format(java.util.Locale.ROOT, "%-12s %9s %9s %9s %8s%n", "label", "precision", "recall", "f1", "support"));
        for (int i = 0; i < labels.size(); i++) {
            sb.append(String.format(java.util.Locale.ROOT, "%-12s %9.3f %9.3f %9.3f %8d%n", labels.get(i), precision(i),
                    recall(i), f1(i), support(i)));
        }
        sb.append(String.format("%nconfusion (rows: actual, columns: predicted)%n%-12s", ""));
        for (int j = 0; j < labels.size(); j++) {
            sb.append(String.format("%6.6s", labels.get(j)));
        }
        sb.append(System.lineSeparator());
        for (int i = 0; i < labels.size(); i++) {
            sb.append(String.format("%-12s", labels.get(i)));
            for (int j = 0; j < labels.size(); j++) {
                sb.append(String.format("%6d", confusion[i][j]));
            }
            sb.append(System.lineSeparator());
        }
        return sb.toString();
    }

    private static Double finiteOrNull(double v) {
        return Double.isFinite(v) ? v : null;
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
