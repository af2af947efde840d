package dev.hark.job.ingest;

import java.util.HashMap;
import java.util.Map;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

/** An operator's dead-letter metrics: {@code deadLetters}, and {@code deadLetters{reason=...}} made on first use. */
public final class DeadLetterCounters {
    private final MetricGroup group;
    private final Counter all;
    private final Map<String, Counter> byReason = new HashMap<>();

    public DeadLetterCounters(MetricGroup group) {
        this.group = group;
        this.all = group.counter("deadLetters");
    }

    public void count(String reason) {
        all.inc();
        byReason.computeIfAbsent(reason, r -> group.addGroup("reason", r).counter("deadLetters")).inc();
    }
}
