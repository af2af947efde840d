package dev.hark.job.detect;

import dev.hark.model.ModelContract;
import java.io.Serializable;
import java.util.Map;
import java.util.Set;

/**
 * How predictions become detections; the labels' meaning comes from the model contract.
 *
 * @param thresholds  the score at or above which each label counts as heard
 * @param background  labels that never make a detection (other words, silence)
 * @param quietMillis an utterance still open when event time has passed its end by this much is reported
 */
public record DetectionSettings(Map<String, Float> thresholds, Set<String> background, long quietMillis)
        implements Serializable {
    public DetectionSettings {
        thresholds = Map.copyOf(thresholds);
        background = Set.copyOf(background);
    }

    public static DetectionSettings of(ModelContract contract, long quietMillis) {
        return new DetectionSettings(contract.thresholdsByLabel(), Set.copyOf(contract.backgroundLabels()), quietMillis);
    }
}
