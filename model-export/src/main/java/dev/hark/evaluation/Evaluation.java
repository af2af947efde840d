package dev.hark.evaluation;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Accuracy, per-label precision/recall/F1 and the confusion matrix of predictions; pure arithmetic, no TensorFlow. */
public final class Evaluation {
    /** How many of the most confidently wrong clips are kept. */
    public static final int MISTAKES_KEPT = 10;
    private final List<String> labels;
    /** confusion[actual][predicted] */
    private final long[][] confusion;
    /** Per voice (speaker): {correct, total}. */
    private final Map<String, long[]> byVoice = new java.util.TreeMap<>();
    /** The most confidently wrong clips, most confident first. */
    private final List<Mistake> mistakes = new java.util.ArrayList<>();

    /** A clip the model got wrong: where it is, what it is, what the model said, and how sure it was. */
    public record Mistake(String source, String actual, String predicted, double confidence) {
    }

    public Evaluation(List<String> labels) {
        this.labels = List.copyOf(labels);
        this.confusion = new long[labels.size()][labels.size()];
    }

    public void add(int actual, int predicted) {
        confusion[actual][predicted]++;
    }

    /**
     * Adds one clip with where it came from: its {@code voice} (speaker) for per-voice accuracy (null: none), and
     * the model's score for its prediction, so that the most confidently wrong clips can be shown.
     */
    public void add(int actual, int predicted, String source, String voice, double confidence) {
        add(actual, predicted);
        if (voice != null) {
            long[] tally = byVoice.computeIfAbsent(voice, v -> new long[2]);
            tally[0] += actual == predicted ? 1 : 0;
            tally[1]++;
        }
        if (actual != predicted) {
            mistakes.add(new Mistake(source, labels.get(actual), labels.get(predicted), confidence));
            mistakes.sort(java.util.Comparator.comparingDouble(Mistake::confidence).reversed());
            if (mistakes.size() > MISTAKES_KEPT) {
                mistakes.remove(mistakes.size() - 1);
            }
        }
    }

    /** Accuracy per voice (speaker), voices in name order; empty when clips came without voices. */
    public Map<String, Double> accuracyByVoice() {
        Map<String, Double> out = new LinkedHashMap<>();
        byVoice.forEach((voice, tally) -> out.put(voice, tally[0] / (double) tally[1]));
        return out;
    }

    /** Clips per voice. */
    public long clipsOf(String voice) {
        long[] tally = byVoice.get(voice);
        return tally == null ? 0 : tally[1];
    }

    /** The most confidently wrong clips (up to {@value #MISTAKES_KEPT}), most confident first. */
    public List<Mistake> confidentMistakes() {
        return List.copyOf(mistakes);
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
        Map<String, Object> perVoice = new LinkedHashMap<>();
        accuracyByVoice().forEach((voice, accuracy) -> perVoice.put(voice, Map.of("accuracy", accuracy, "clips", clipsOf(voice))));
        json.put("per_voice", perVoice);
        json.put("confident_mistakes", mistakes.stream().map(m -> {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("source", m.source());
            o.put("actual", m.actual());
            o.put("predicted", m.predicted());
            o.put("confidence", m.confidence());
            return o;
        }).toList());
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
        if (!byVoice.isEmpty()) {
            // Thousands of speakers (Speech Commands) would drown the report: then the weakest 15.
            List<Map.Entry<String, Double>> voices = new java.util.ArrayList<>(accuracyByVoice().entrySet());
            if (voices.size() > 30) {
                voices.sort(Map.Entry.comparingByValue());
                sb.append(String.format("%nper voice: the 15 weakest of %d%n", voices.size()));
                voices = voices.subList(0, 15);
            } else {
                sb.append(String.format("%nper voice%n"));
            }
            for (Map.Entry<String, Double> v : voices) {
                sb.append(String.format(java.util.Locale.ROOT, "%-28s %7.3f %6d clips%n", v.getKey(), v.getValue(),
                        clipsOf(v.getKey())));
            }
        }
        if (!mistakes.isEmpty()) {
            sb.append(String.format("%nmost confidently wrong%n"));
            for (Mistake m : mistakes) {
                sb.append(String.format(java.util.Locale.ROOT, "%.3f  %-10s as %-10s %s%n", m.confidence(), m.actual(),
                        m.predicted(), m.source()));
            }
        }
        return sb.toString();
    }

    private static Double finiteOrNull(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
