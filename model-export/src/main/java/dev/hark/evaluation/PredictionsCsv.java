package dev.hark.evaluation;

import dev.hark.model.AudioClassifier;
import dev.hark.data.KeywordDataset.Example;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * One CSV row per scored clip: where it is, whose voice, what it is, what the model said, how sure, and every
 * label's score. What a person needs to look past the summary: to re-score a subset of labels, pick a threshold, or
 * compare with another recognizer clip by clip.
 */
public final class PredictionsCsv implements AutoCloseable {
    private final BufferedWriter out;
    private final List<String> labels;
    private final Function<Example, String> voice;

    public PredictionsCsv(Path file, List<String> labels, Function<Example, String> voice) throws IOException {
        this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        this.labels = List.copyOf(labels);
        this.voice = voice;
        StringBuilder header = new StringBuilder("source,voice,actual,predicted,confidence");
        for (String label : labels) {
            header.append(',').append(quoted(label));
        }
        out.write(header.append('\n').toString());
    }

    /** Writes one clip's row; {@code scores} holds one score per label, in the labels' order. */
    public void add(Example clip, float[] scores) {
        if (scores.length != labels.size()) {
            throw new IllegalArgumentException(scores.length + " scores for " + labels.size() + " labels");
        }
        int predicted = AudioClassifier.argMax(scores);
        String who = voice.apply(clip);
        StringBuilder row = new StringBuilder(quoted(clip.source())).append(',').append(who == null ? "" : quoted(who))
                .append(',').append(quoted(clip.label())).append(',').append(quoted(labels.get(predicted)))
                .append(',').append(number(scores[predicted]));
        for (float score : scores) {
            row.append(',').append(number(score));
        }
        try {
            out.write(row.append('\n').toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        out.close();
    }

    /** RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled. */
    static String quoted(String field) {
        if (field.indexOf(',') < 0 && field.indexOf('"') < 0 && field.indexOf('\n') < 0 && field.indexOf('\r') < 0) {
            return field;
        }
        return '"' + field.replace("\"", "\"\"") + '"';
    }

    private static String number(float v) {
        return String.format(Locale.ROOT, "%.6g", v);
    }
}
