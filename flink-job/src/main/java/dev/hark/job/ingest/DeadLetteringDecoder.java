package dev.hark.job.ingest;

import dev.hark.avro.DeadLetter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Decodes raw Kafka records: good ones go on, bad ones go to the {@link #DEAD_LETTERS} side output with their reason,
 * so no input ever fails the job. Counts both ({@code <accepted>}, {@code deadLetters}, and
 * {@code reason.<CODE>.deadLetters}). Subclasses say how to decode; the decoding itself lives in Flink-free code.
 */
public abstract class DeadLetteringDecoder<T> extends ProcessFunction<RawRecord, T> {
    public static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("dead-letters", TypeInformation.of(DeadLetter.class));

    private final String acceptedMetric;
    private transient Counter accepted;
    private transient DeadLetterCounters deadLetters;

    protected DeadLetteringDecoder(String acceptedMetric) {
        this.acceptedMetric = acceptedMetric;
    }

    /** The record decoded, or why not. */
    protected abstract T decode(RawRecord raw) throws ChunkDecoding.Rejected;

    /** Sets up what {@link #decode} needs; called once per subtask before the first record. */
    protected void openDecoding() {
    }

    @Override
    public final void open(OpenContext openContext) {
        openDecoding();
        accepted = getRuntimeContext().getMetricGroup().counter(acceptedMetric);
        deadLetters = new DeadLetterCounters(getRuntimeContext().getMetricGroup());
    }

    @Override
    public final void processElement(RawRecord raw, Context ctx, Collector<T> out) {
        T decoded;
        try {
            decoded = decode(raw);
        } catch (ChunkDecoding.Rejected rejected) {
            deadLetters.count(rejected.reason());
            ctx.output(DEAD_LETTERS, ChunkDecoding.deadLetter(raw, rejected, System.currentTimeMillis()));
            return;
        }
        accepted.inc();
        out.collect(decoded);
    }
}
