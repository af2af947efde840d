package dev.hark.training;

import dev.hark.evaluation.Evaluation;
import dev.hark.model.ModelContract;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** Writes {@code report.html} beside a trained model: loss and accuracy curves (inline SVG) and the confusion matrix. */
public final class TrainingReport {
    public static final String FILE_NAME = "report.html";

    private TrainingReport() {
    }

    public static void write(Path modelDir, ModelContract contract, List<Trainer.EpochStats> epochs, Evaluation test)
            throws IOException {
        StringBuilder h = new StringBuilder();
        h.append("<!doctype html><html><head><meta charset=\"utf-8\"><title>").append(escape(contract.name()))
                .append(" v").append(escape(contract.version())).append("</title><style>")
                .append("body{font-family:sans-serif;margin:2em;color:#222}table{border-collapse:collapse}")
                .append("td,th{padding:2px 6px;text-align:right;font-size:13px}th{background:#eee}")
                .append("</style></head><body>");
        h.append("<h1>").append(escape(contract.name())).append(" v").append(escape(contract.version())).append("</h1>");
        h.append(String.format(Locale.ROOT, "<p>Held-out test accuracy <b>%.2f%%</b> on %d clips; labels: %s.</p>",
                100 * test.accuracy(), test.total(), escape(String.join(", ", contract.labels()))));
        h.append("<p>Training: ").append(escape(contract.training().toString())).append("</p>");
        h.append("<h2>Loss</h2>").append(chart(epochs, true));
        h.append("<h2>Accuracy (train: blue, validation: orange)</h2>").append(chart(epochs, false));
        h.append("<h2>Per label (test)</h2><table><tr><th>label</th><th>precision</th><th>recall</th><th>F1</th><th>support</th></tr>");
        for (int i = 0; i < test.labels().size(); i++) {
            h.append(String.format(Locale.ROOT, "<tr><td>%s</td><td>%.3f</td><td>%.3f</td><td>%.3f</td><td>%d</td></tr>",
                    escape(test.labels().get(i)), test.precision(i), test.recall(i), test.f1(i), test.support(i)));
        }
        h.append("</table><h2>Confusion matrix (test; rows actual, columns predicted)</h2><table><tr><th></th>");
        for (String label : test.labels()) {
            h.append("<th>").append(escape(label)).append("</th>");
        }
        h.append("</tr>");
        long[][] c = test.confusion();
        for (int i = 0; i < c.length; i++) {
            long row = 0;
            for (long v : c[i]) {
                row += v;
            }
            h.append("<tr><th>").append(escape(test.labels().get(i))).append("</th>");
            for (int j = 0; j < c[i].length; j++) {
                double share = row == 0 ? 0 : c[i][j] / (double) row;
                int shade = (int) Math.round(255 - 180 * share);
                String colour = i == j ? String.format("rgb(%d,255,%d)", shade, shade) : String.format("rgb(255,%d,%d)", shade, shade);
                h.append("<td style=\"background:").append(c[i][j] == 0 ? "#fff" : colour).append("\">").append(c[i][j]).append("</td>");
            }
            h.append("</tr>");
        }
        h.append("</table>");
        if (!test.accuracyByVoice().isEmpty()) {
            h.append("<h2>Per voice (test)</h2><table><tr><th>voice</th><th>accuracy</th><th>clips</th></tr>");
            test.accuracyByVoice().forEach((voice, accuracy) -> h.append(String.format(Locale.ROOT,
                    "<tr><td>%s</td><td>%.3f</td><td>%d</td></tr>", escape(voice), accuracy, test.clipsOf(voice))));
            h.append("</table>");
        }
        if (!test.confidentMistakes().isEmpty()) {
            h.append("<h2>Most confidently wrong (test)</h2><table><tr><th>score</th><th>actual</th><th>predicted</th>"
                    + "<th>clip</th></tr>");
            for (Evaluation.Mistake m : test.confidentMistakes()) {
                h.append(String.format(Locale.ROOT, "<tr><td>%.3f</td><td>%s</td><td>%s</td><td>%s</td></tr>",
                        m.confidence(), escape(m.actual()), escape(m.predicted()), escape(m.source())));
            }
            h.append("</table>");
        }
        h.append("</body></html>\n");
        Files.writeString(modelDir.resolve(FILE_NAME), h.toString(), StandardCharsets.UTF_8);
    }

    private static String chart(List<Trainer.EpochStats> epochs, boolean loss) {
        int w = 600;
        int hgt = 220;
        int pad = 35;
        double max = 0;
        for (Trainer.EpochStats e : epochs) {
            max = Math.max(max, loss ? e.loss() : 1.0);
        }
        max = max == 0 ? 1 : max;
        StringBuilder s = new StringBuilder(String.format("<svg width=\"%d\" height=\"%d\" style=\"border:1px solid #ccc\">", w, hgt));
        s.append(String.format(Locale.ROOT, "<text x=\"2\" y=\"12\" font-size=\"11\">%.2f</text><text x=\"2\" y=\"%d\" font-size=\"11\">0</text>",
                max, hgt - pad));
        s.append(String.format("<text x=\"%d\" y=\"%d\" font-size=\"11\">epoch</text>", w / 2, hgt - 5));
        s.append(polyline(epochs, loss ? 0 : 1, max, w, hgt, pad, "#1f77b4"));
        if (!loss) {
            s.append(polyline(epochs, 2, max, w, hgt, pad, "#ff7f0e"));
        }
        return s.append("</svg>").toString();
    }

    private static String polyline(List<Trainer.EpochStats> epochs, int series, double max, int w, int h, int pad, String colour) {
        StringBuilder points = new StringBuilder();
        for (int i = 0; i < epochs.size(); i++) {
            Trainer.EpochStats e = epochs.get(i);
            double v = series == 0 ? e.loss() : series == 1 ? e.trainAccuracy() : e.validationAccuracy();
            double x = pad + (w - 2 * pad) * (epochs.size() == 1 ? 0.5 : i / (double) (epochs.size() - 1));
            double y = (h - pad) - (h - 2 * pad) * v / max;
            points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
        }
        return "<polyline fill=\"none\" stroke=\"" + colour + "\" stroke-width=\"2\" points=\"" + points + "\"/>";
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
