package dev.hark.job.order;

import dev.hark.job.IdleTimers;
import dev.hark.job.ingest.AudioChunkEvent;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Puts each stream's chunks in sequence order. A stream starts at sequence 0; chunks that arrive early wait in
 * state; duplicates and chunks older than the next expected one are dropped and counted. A gap that is still open
 * once event time has passed the waiting chunk by {@code maxOutOfOrderMillis} is skipped, so one lost chunk never
 * stalls a stream; the time it leaves empty (up to {@value #MAX_GAP_FILL_MILLIS} ms) is filled with silence, marked
 * as such, so the stream's timeline stays right. A stream's state is freed after its end-of-stream chunk, or when no chunk has come for
 * {@code idleTimeoutMillis} of processing time (up to an eighth more: {@link IdleTimers}); no timer outlives it.
 */
public final class ChunkSequencer extends KeyedProcessFunction<String, AudioChunkEvent, AudioChunkEvent> {
    /** Longer gaps are not filled: a stream that stopped for minutes has no timeline worth keeping. */
    public static final long MAX_GAP_FILL_MILLIS = 10_000;
    private final long maxOutOfOrderMillis;
    private final long idleTimeoutMillis;
    private transient ValueState<Long> nextSequence;
    private transient MapState<Long, AudioChunkEvent> waiting;
    private transient ValueState<Long> idleTimer;
    /** Event time just after the last emitted chunk's last sample. */
    private transient ValueState<Long> lastEnd;
    private transient Counter gapMillisFilled;
    /** How far behind processing time chunks arrive (event time of the first sample): producer and network delay. */
    private transient org.apache.flink.metrics.Histogram lateness;
    private transient Counter duplicates;
    private transient Counter gapsSkipped;
    private transient Counter idleStreamsCleared;

    public ChunkSequencer(OrderSettings settings) {
        this.maxOutOfOrderMillis = settings.maxOutOfOrderMillis();
        this.idleTimeoutMillis = settings.streamIdleMillis();
    }

    @Override
    public void open(OpenContext openContext) {
        nextSequence = getRuntimeContext().getState(new ValueStateDescriptor<>("next-sequence", Types.LONG));
        waiting = getRuntimeContext().getMapState(new MapStateDescriptor<>("waiting-chunks", Types.LONG,
                TypeInformation.of(AudioChunkEvent.class)));
        idleTimer = getRuntimeContext().getState(new ValueStateDescriptor<>("idle-timer", Types.LONG));
        lastEnd = getRuntimeContext().getState(new ValueStateDescriptor<>("last-end", Types.LONG));
        gapMillisFilled = getRuntimeContext().getMetricGroup().counter("gapMillisFilled");
        lateness = getRuntimeContext().getMetricGroup().histogram("chunkLatenessMillis",
                new org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram(1000));
        duplicates = getRuntimeContext().getMetricGroup().counter("chunksDroppedDuplicateOrLate");
        gapsSkipped = getRuntimeContext().getMetricGroup().counter("sequenceGapsSkipped");
        idleStreamsCleared = getRuntimeContext().getMetricGroup().counter("idleStreamsCleared");
    }

    @Override
    public void processElement(AudioChunkEvent chunk, Context ctx, Collector<AudioChunkEvent> out) throws Exception {
        touch(ctx);
        lateness.update(Math.max(0, ctx.timerService().currentProcessingTime() - chunk.eventTime));
        long next = nextSequence.value() == null ? 0L : nextSequence.value();
        if (chunk.sequence < next || waiting.contains(chunk.sequence)) {
            duplicates.inc();
            return;
        }
        if (chunk.sequence == next) {
            if (emit(chunk, ctx, out)) {
                releaseFrom(next + 1, ctx, out);
            }
            return;
        }
        waiting.put(chunk.sequence, chunk);
        ctx.timerService().registerEventTimeTimer(chunk.eventTime + maxOutOfOrderMillis);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<AudioChunkEvent> out) throws Exception {
        if (ctx.timeDomain() == TimeDomain.PROCESSING_TIME) {
            if (IdleTimers.isDue(idleTimer, timestamp)) {
                idleStreamsCleared.inc();
                clear(ctx);
            }
            return;
        }
        long next = nextSequence.value() == null ? 0L : nextSequence.value();
        Long earliest = null;
        for (long seq : waiting.keys()) {
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
        Long end = lastEnd.value();
        long missing = end == null ? 0 : first.eventTime - end;
        if (missing > 0 && missing <= MAX_GAP_FILL_MILLIS) {
            AudioChunkEvent silence = new AudioChunkEvent(first.streamId, next, end, first.sampleRate,
                    new float[(int) (missing * first.sampleRate / 1000)]);
            silence.gapFill = true;
            out.collect(silence);
            gapMillisFilled.inc(missing);
        }
        releaseFrom(earliest, ctx, out);
    }

    /** Emits waiting chunks from {@code sequence} while they are contiguous and records the next one expected. */
    private void releaseFrom(long sequence, Context ctx, Collector<AudioChunkEvent> out) throws Exception {
        long next = sequence;
        AudioChunkEvent chunk;
        while ((chunk = waiting.get(next)) != null) {
            waiting.remove(next);
            ctx.timerService().deleteEventTimeTimer(chunk.eventTime + maxOutOfOrderMillis);
            if (!emit(chunk, ctx, out)) {
                return;
            }
            next++;
        }
        nextSequence.update(next);
    }

    /** Emits one chunk in order; after an end-of-stream chunk the stream's state is freed and false returned. */
    private boolean emit(AudioChunkEvent chunk, Context ctx, Collector<AudioChunkEvent> out) throws Exception {
        out.collect(chunk);
        if (chunk.sampleRate > 0) {
            lastEnd.update(chunk.eventTime + (long) chunk.samples.length * 1000 / chunk.sampleRate);
        }
        if (chunk.endOfStream) {
            clear(ctx);
            return false;
        }
        nextSequence.update(chunk.sequence + 1);
        return true;
    }

    /** (Re)arms the idle timer: one per stream. */
    private void touch(Context ctx) throws Exception {
        IdleTimers.touch(idleTimer, ctx.timerService(), idleTimeoutMillis);
    }

    private void clear(Context ctx) throws Exception {
        for (AudioChunkEvent chunk : waiting.values()) {
            ctx.timerService().deleteEventTimeTimer(chunk.eventTime + maxOutOfOrderMillis);
        }
        IdleTimers.clear(idleTimer, ctx.timerService());
        waiting.clear();
        nextSequence.clear();
        lastEnd.clear();
    }
}
