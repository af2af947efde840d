package dev.hark.job.inference;

import dev.hark.avro.InferenceTimings;
import dev.hark.avro.LabelScore;
import dev.hark.avro.Prediction;
import dev.hark.job.features.FeatureWindow;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Builds {@link Prediction} records from scores; pure, so it is tested without Flink or TensorFlow. */
public final class PredictionFormatter {
    private final List<String> labels;
    private final String modelName;
    private final String modelVersion;
    private final int topK;

    public PredictionFormatter(List<String> labels, String modelName, String modelVersion, int topK) {
        if (topK < 1) {
            throw new IllegalArgumentException("topK must be at least 1, got " + topK);
        }
        this.labels = List.copyOf(labels);
        this.modelName = modelName;
        this.modelVersion = modelVersion;
        this.topK = Math.min(topK, labels.size());
    }

    public Prediction format(FeatureWindow window, float[] scores, long inferenceMicros, int batchSize, long emitMillis) {
        if (scores.length != labels.size()) {
            throw new IllegalArgumentException("got " + scores.length + " scores for " + labels.size() + " labels");
        }
        List<Integer> order = new ArrayList<>(labels.size());
        for (int i = 0; i < scores.length; i++) {
            order.add(i);
        }
        order.sort(Comparator.comparingDouble((Integer i) -> scores[i]).reversed());
        List<LabelScore> top = new ArrayList<>(topK);
        for (int i = 0; i < topK; i++) {
            int label = order.get(i);
            top.add(new LabelScore(labels.get(label), scores[label]));
        }
        return Prediction.newBuilder()
                .setStreamId(window.streamId)
                .setWindowIndex(window.windowIndex)
                .setWindowStart(Instant.ofEpochMilli(window.windowStart))
                .setWindowEnd(Instant.ofEpochMilli(window.windowEnd))
                .setModelName(modelName)
                .setModelVersion(modelVersion)
                .setTop(top)
                .setTimings(new InferenceTimings(inferenceMicros, batchSize, Instant.ofEpochMilli(window.completeTime),
                        Instant.ofEpochMilli(emitMillis)))
                .setGapFilled(window.gapFilled ? Boolean.TRUE : null)
                .build();
    }
}
