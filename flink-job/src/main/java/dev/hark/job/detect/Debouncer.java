package dev.hark.job.detect;

import dev.hark.avro.Detection;
import dev.hark.avro.LabelScore;
import dev.hark.avro.Prediction;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Turns one stream's predictions, in window order, into one detection per utterance: a run of windows whose best
 * label is the same keyword at or above that label's threshold is one utterance; it is reported when the run ends
 * (a window with another best label, or below threshold). Labels in {@code ignored} (e.g. _unknown_, _silence_)
 * never make detections. Pure: the state is a {@link Run} the caller keeps.
 */
public final class Debouncer {
    private final Map<String, Float> thresholds;
    private final Set<String> ignored;

    public Debouncer(Map<String, Float> thresholds, Set<String> ignored) {
        this.thresholds = Map.copyOf(thresholds);
        this.ignored = Set.copyOf(ignored);
    }

    /** The utterance being heard; a POJO so Flink can keep it in keyed state. */
    public static final class Run {
        public String streamId;
        public String label;
        public float score;
        public long start;
        public long end;
        public String modelName;
        public String modelVersion;

        public Run() {
        }
    }

    /** Feeds the next window's prediction; returns the detection of an utterance that just ended, if any. */
    public Optional<Detection> next(Run run, Prediction p) {
        LabelScore best = p.getTop().get(0);
        boolean hit = !ignored.contains(best.getLabel())
                && best.getScore() >= thresholds.getOrDefault(best.getLabel(), 0.5f);
        if (hit && best.getLabel().equals(run.label)) { // the same utterance goes on
            run.score = Math.max(run.score, best.getScore());
            run.end = p.getWindowEnd().toEpochMilli();
            return Optional.empty();
        }
        Optional<Detection> ended = finish(run);
        if (hit) {
            run.streamId = p.getStreamId();
            run.label = best.getLabel();
            run.score = best.getScore();
            run.start = p.getWindowStart().toEpochMilli();
            run.end = p.getWindowEnd().toEpochMilli();
            run.modelName = p.getModelName();
            run.modelVersion = p.getModelVersion();
        }
        return ended;
    }

    /** Ends the current utterance, if any (the stream ended or went quiet). */
    public Optional<Detection> finish(Run run) {
        if (run.label == null) {
            return Optional.empty();
        }
        Detection d = Detection.newBuilder().setStreamId(run.streamId).setLabel(run.label).setScore(run.score)
                .setStart(java.time.Instant.ofEpochMilli(run.start)).setEnd(java.time.Instant.ofEpochMilli(run.end))
                .setModelName(run.modelName).setModelVersion(run.modelVersion).build();
        run.label = null;
        return Optional.of(d);
    }
}
