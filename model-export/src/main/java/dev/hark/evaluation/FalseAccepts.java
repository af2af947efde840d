package dev.hark.evaluation;

import dev.hark.model.AudioClassifier;
import dev.hark.model.ModelContract;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * False accepts on clips that hold no keyword: a clip labelled with one of the contract's background labels (such as
 * {@code _unknown_}) whose best label is a keyword scored at or above that keyword's threshold, which is what the
 * job would report as a detection.
 */
public final class FalseAccepts {
    private final ModelContract contract;
    private final Map<String, Long> byKeyword = new LinkedHashMap<>();
    private long clipsWithoutKeyword;

    public FalseAccepts(ModelContract contract) {
        this.contract = contract;
    }

    /** One scored clip; clips whose label is a keyword are not counted here. */
    public void add(String actualLabel, float[] scores) {
        List<String> labels = contract.labels();
        if (!contract.backgroundLabels().contains(actualLabel)) {
            return;
        }
        clipsWithoutKeyword++;
        int best = AudioClassifier.argMax(scores);
        String heard = labels.get(best);
        if (!contract.backgroundLabels().contains(heard) && scores[best] >= contract.thresholds().get(best)) {
            byKeyword.merge(heard, 1L, Long::sum);
        }
    }

    public long clipsWithoutKeyword() {
        return clipsWithoutKeyword;
    }

    public long count() {
        return byKeyword.values().stream().mapToLong(Long::longValue).sum();
    }

    public double rate() {
        return clipsWithoutKeyword == 0 ? 0 : (double) count() / clipsWithoutKeyword;
    }

    public Map<String, Long> byKeyword() {
        return Map.copyOf(byKeyword);
    }

    /** "false accepts: N of M clips without a keyword (r%): yes 2, no 1", or "" when no clip was without one. */
    public String toText() {
        if (clipsWithoutKeyword == 0) {
            return "";
        }
        StringBuilder text = new StringBuilder(String.format(Locale.ROOT,
                "false accepts: %d of %d clips without a keyword (%.1f%%), a keyword at or above its threshold",
                count(), clipsWithoutKeyword, 100 * rate()));
        if (!byKeyword.isEmpty()) {
            text.append(':');
            byKeyword.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                    .forEach(e -> text.append(' ').append(e.getKey()).append(' ').append(e.getValue()).append(','));
            text.setLength(text.length() - 1);
        }
        return text.append('\n').toString();
    }
}
