package dev.hark.job.order;

import dev.hark.job.ingest.AudioChunkEvent;
import java.util.Iterator;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Puts each stream's chunks in sequence order. A stream starts at sequence 0; chunks that arrive early wait in
 * state; duplicates and chunks older than the next expected one are dropped and counted. A gap that is still open
 * once event time has passed the waiting chunk by {@code maxOutOfOrderMillis} is skipped, so one lost chunk never
 * stalls a stream.
 */
public final class ChunkSequencer extends KeyedProcessFunction<String, AudioChunkEvent, AudioChunkEvent> {
    private final long maxOutOfOrderMillis;
    private transient ValueState<Long> nextSequence;
    private transient MapState<Long, AudioChunkEvent> waiting;
    private transient Counter duplicates;
    private transient Counter gapsSkipped;

    public ChunkSequencer(long maxOutOfOrderMillis) {
        this.maxOutOfOrderMillis = maxOutOfOrderMillis;
    }

    @Override
    public void open(OpenContext openContext) {
        nextSequence = getRuntimeContext().getState(new ValueStateDescriptor<>("next-sequence", Types.LONG));
        waiting = getRuntimeContext().getMapState(new MapStateDescriptor<>("waiting-chunks", Types.LONG,
                TypeInformation.of(AudioChunkEvent.class)));
        duplicates = getRuntimeContext().getMetricGroup().counter("chunksDroppedDuplicateOrLate");
        gapsSkipped = getRuntimeContext().getMetricGroup().counter("sequenceGapsSkipped");
    }

    @Override
    public void processElement(AudioChunkEvent chunk, Context ctx, Collector<AudioChunkEvent> out) throws Exception {
        long next = nextSequence.value() == null ? 0L : nextSequence.value();
        if (chunk.sequence < next || waiting.contains(chunk.sequence)) {
            duplicates.inc();
            return;
        }
        if (chunk.sequence == next) {
            out.collect(chunk);
            releaseFrom(next + 1, out);
            return;
        }
        waiting.put(chunk.sequence, chunk);
        ctx.timerService().registerEventTimeTimer(chunk.eventTime + maxOutOfOrderMillis);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<AudioChunkEvent> out) throws Exception {
        long next = nextSequence.value() == null ? 0L : nextSequence.value();
        Long earliest = null;
        for (Iterator<Long> it = waiting.keys().iterator(); it.hasNext(); ) {
            long seq = it.next();
            if (earliest == null || seq < earliest) {
                earliest = seq;
            }
        }
        if (earliest == null || earliest == next) {
            return;
        }
        AudioChunkEvent first = waiting.get(earliest);
        if (first.eventTime + maxOutOfOrderMillis > timestamp) {
            return; // this timer belongs to a later chunk; the earliest one's timer decides
        }
        gapsSkipped.inc();
        releaseFrom(earliest, out);
    }

    /** Emits waiting chunks from {@code sequence} while they are contiguous and records the next one expected. */
    private void releaseFrom(long sequence, Collector<AudioChunkEvent> out) throws Exception {
        long next = sequence;
        AudioChunkEvent chunk;
        while ((chunk = waiting.get(next)) != null) {
            waiting.remove(next);
            out.collect(chunk);
            next++;
        }
        nextSequence.update(next);
    }
}
