package dev.hark.job.order;

import dev.hark.job.timers.IdleTimers;
import dev.hark.job.ingest.AudioChunkEvent;
import dev.hark.job.ingest.ChunkDecoding;
import dev.hark.job.ingest.DeadLetterCounters;
import dev.hark.job.ingest.DeadLetteringDecoder;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.util.Collector;

/**
 * Puts each stream's chunks in sequence order, within the {@link StreamLimits}. A stream starts at sequence 0;
 * chunks that arrive early wait in state. A gap that is still open once event time has passed the waiting chunk by
 * {@code maxOutOfOrderMillis}, or once the waiting chunks reach their limit, is skipped, so one lost chunk never
 * stalls a stream; the time it leaves empty (up to {@link StreamLimits#maxGapFillMillis}) is filled with silence,
 * marked as such, so the stream's timeline stays right. A stream's state is freed after its end-of-stream chunk, or
 * when no chunk has come for {@code idleTimeoutMillis} of processing time (up to an eighth more: {@link IdleTimers});
 * no timer outlives it.
 *
 * <p>Chunks it cannot place go to the dead-letter side output with their reason: duplicates, chunks whose place has
 * passed, chunks too far ahead in sequence or behind in event time, and new streams beyond the live-stream limit.
 * Run it with {@link #operator}, which recounts the live streams after a restore.
 */
public final class ChunkSequencer extends KeyedProcessFunction<String, AudioChunkEvent, AudioChunkEvent> {
    public static final String TOO_MANY_STREAMS = "TOO_MANY_STREAMS";
    public static final String SEQUENCE_TOO_FAR_AHEAD = "SEQUENCE_TOO_FAR_AHEAD";
    public static final String SEQUENCE_ALREADY_PASSED = "SEQUENCE_ALREADY_PASSED";
    public static final String DUPLICATE_CHUNK = "DUPLICATE_CHUNK";
    public static final String EVENT_TIME_BEHIND_WATERMARK = "EVENT_TIME_BEHIND_WATERMARK";
    public static final String EVENT_TIME_BEFORE_STREAM = "EVENT_TIME_BEFORE_STREAM";
    /** The state whose presence marks a live stream: every live stream has an idle timer. */
    static final String IDLE_TIMER_STATE = "idle-timer";

    private final long maxOutOfOrderMillis;
    private final long idleTimeoutMillis;
    private final StreamLimits limits;
    private transient ValueState<Long> nextSequence;
    private transient MapState<Long, AudioChunkEvent> waiting;
    private transient ValueState<Integer> waitingChunks;
    private transient ValueState<Long> waitingBytes;
    private transient ValueState<Long> idleTimer;
    /** Event time just after the last emitted chunk's last sample. */
    private transient ValueState<Long> lastEnd;
    /** Streams of this subtask with state; recounted from the state after a restore ({@link #operator}). */
    private transient long liveStreams;
    private transient Counter gapMillisFilled;
    /** How far behind processing time chunks arrive (event time of the first sample): producer and network delay. */
    private transient org.apache.flink.metrics.Histogram lateness;
    private transient Counter gapsSkipped;
    private transient Counter gapsSkippedWaitingFull;
    private transient Counter idleStreamsCleared;
    private transient DeadLetterCounters deadLetters;

    public ChunkSequencer(OrderSettings settings) {
        this.maxOutOfOrderMillis = settings.maxOutOfOrderMillis();
        this.idleTimeoutMillis = settings.streamIdleMillis();
        this.limits = settings.limits();
    }

    /** The operator to run it in: it recounts the live streams from the state it was restored with. */
    public static KeyedProcessOperator<String, AudioChunkEvent, AudioChunkEvent> operator(OrderSettings settings) {
        return new LiveStreamCounting(new ChunkSequencer(settings));
    }

    @Override
    public void open(OpenContext openContext) {
        nextSequence = getRuntimeContext().getState(new ValueStateDescriptor<>("next-sequence", Types.LONG));
        waiting = getRuntimeContext().getMapState(new MapStateDescriptor<>("waiting-chunks", Types.LONG,
                TypeInformation.of(AudioChunkEvent.class)));
        waitingChunks = getRuntimeContext().getState(new ValueStateDescriptor<>("waiting-count", Types.INT));
        waitingBytes = getRuntimeContext().getState(new ValueStateDescriptor<>("waiting-bytes", Types.LONG));
        idleTimer = getRuntimeContext().getState(new ValueStateDescriptor<>(IDLE_TIMER_STATE, Types.LONG));
        lastEnd = getRuntimeContext().getState(new ValueStateDescriptor<>("last-end", Types.LONG));
        liveStreams = 0;
        var metrics = getRuntimeContext().getMetricGroup();
        gapMillisFilled = metrics.counter("gapMillisFilled");
        lateness = metrics.histogram("chunkLatenessMillis",
                new org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram(1000));
        gapsSkipped = metrics.counter("sequenceGapsSkipped");
        gapsSkippedWaitingFull = metrics.counter("sequenceGapsSkippedWaitingFull");
        idleStreamsCleared = metrics.counter("idleStreamsCleared");
        deadLetters = new DeadLetterCounters(metrics);
        metrics.gauge("liveStreams", () -> liveStreams);
    }

    @Override
    public void processElement(AudioChunkEvent chunk, Context ctx, Collector<AudioChunkEvent> out) throws Exception {
        lateness.update(Math.max(0, ctx.timerService().currentProcessingTime() - chunk.eventTime));
        boolean live = idleTimer.value() != null;
        if (!live && liveStreams >= limits.maxLiveStreams()) {
            reject(ctx, chunk, TOO_MANY_STREAMS, "this subtask already keeps " + liveStreams + " live streams, the"
                    + " limit (hark.stream.max-live-streams); streams free their place with an end-of-stream chunk"
                    + " or after the idle timeout");
            return;
        }
        if (eventTimeRejected(chunk, ctx)) {
            return;
        }
        long next = nextSequence.value() == null ? 0L : nextSequence.value();
        if (chunk.sequence < next) {
            reject(ctx, chunk, SEQUENCE_ALREADY_PASSED, "sequence " + chunk.sequence + " of stream " + chunk.streamId
                    + " is before the next expected, " + next + ": a duplicate, or it came after its gap was skipped"
                    + " (hark.order.max-out-of-orderness, hark.order.max-waiting-chunks/-bytes)");
            return;
        }
        if (waiting.contains(chunk.sequence)) {
            reject(ctx, chunk, DUPLICATE_CHUNK, "sequence " + chunk.sequence + " of stream " + chunk.streamId
                    + " is already waiting for an earlier one: a duplicate");
            return;
        }
        if (chunk.sequence > next) {
            long base = nextSequence.value() != null ? next : lowestWaiting(chunk.sequence);
            if (chunk.sequence - base > limits.maxSequenceAhead()) {
                reject(ctx, chunk, SEQUENCE_TOO_FAR_AHEAD, "sequence " + chunk.sequence + " of stream "
                        + chunk.streamId + " is " + (chunk.sequence - base) + " past " + base
                        + ", more than hark.order.max-sequence-ahead (" + limits.maxSequenceAhead() + ")");
                return;
            }
        }
        if (!live) {
            liveStreams++;
        }
        IdleTimers.touch(idleTimer, ctx.timerService(), idleTimeoutMillis);
        if (chunk.sequence == next) {
            if (emit(chunk, ctx, out)) {
                releaseFrom(next + 1, ctx, out);
            }
            return;
        }
        waiting.put(chunk.sequence, chunk);
        ctx.timerService().registerEventTimeTimer(chunk.eventTime + maxOutOfOrderMillis);
        int count = (waitingChunks.value() == null ? 0 : waitingChunks.value()) + 1;
        long bytes = (waitingBytes.value() == null ? 0 : waitingBytes.value()) + StreamLimits.waitingBytes(chunk.samples.length);
        waitingChunks.update(count);
        waitingBytes.update(bytes);
        while (waitingChunks.value() != null
                && (waitingChunks.value() > limits.maxWaitingChunks() || waitingBytes.value() > limits.maxWaitingBytes())) {
            gapsSkippedWaitingFull.inc();
            skipToEarliest(ctx, out);
        }
    }

    /** Dead-letters a chunk whose event time lies too far behind the watermark or the stream's own time. */
    private boolean eventTimeRejected(AudioChunkEvent chunk, Context ctx) throws Exception {
        long allowed = limits.maxLatenessMillis();
        long watermark = ctx.timerService().currentWatermark();
        if (watermark > Long.MIN_VALUE + allowed && chunk.eventTime < watermark - allowed) {
            reject(ctx, chunk, EVENT_TIME_BEHIND_WATERMARK, "event time " + chunk.eventTime + " ms is "
                    + (watermark - chunk.eventTime) + " ms behind the job's watermark (" + watermark
                    + "), more than hark.order.max-lateness (" + allowed + " ms)");
            return true;
        }
        Long end = lastEnd.value();
        if (end != null && chunk.eventTime < end - allowed) {
            reject(ctx, chunk, EVENT_TIME_BEFORE_STREAM, "event time " + chunk.eventTime + " ms is "
                    + (end - chunk.eventTime) + " ms before the end of stream " + chunk.streamId
                    + "'s previous chunk, more than hark.order.max-lateness (" + allowed + " ms)");
            return true;
        }
        return false;
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
        Long earliest = waitingChunks.value() == null ? null : lowestWaiting(Long.MAX_VALUE);
        if (earliest == null || earliest == next) {
            return;
        }
        if (waiting.get(earliest).eventTime + maxOutOfOrderMillis > timestamp) {
            return; // this timer belongs to a later chunk; the earliest one's timer decides
        }
        skipToEarliest(ctx, out);
    }

    /** Gives up on the gap before the earliest waiting chunk: fills its time with silence and releases from there. */
    private void skipToEarliest(Context ctx, Collector<AudioChunkEvent> out) throws Exception {
        long earliest = lowestWaiting(Long.MAX_VALUE);
        AudioChunkEvent first = waiting.get(earliest);
        long next = nextSequence.value() == null ? 0L : nextSequence.value();
        gapsSkipped.inc();
        Long end = lastEnd.value();
        long missing = end == null ? 0 : first.eventTime - end;
        if (missing > 0 && missing <= limits.maxGapFillMillis()) {
            AudioChunkEvent silence = new AudioChunkEvent(first.streamId, next, end, first.sampleRate,
                    new float[(int) (missing * first.sampleRate / 1000)]);
            silence.gapFill = true;
            out.collect(silence);
            gapMillisFilled.inc(missing);
        }
        releaseFrom(earliest, ctx, out);
    }

    /** The lowest waiting sequence number, or {@code otherwise} when none waits. */
    private long lowestWaiting(long otherwise) throws Exception {
        long lowest = otherwise;
        for (long seq : waiting.keys()) {
            lowest = Math.min(lowest, seq);
        }
        return lowest;
    }

    /** Emits waiting chunks from {@code sequence} while they are contiguous and records the next one expected. */
    private void releaseFrom(long sequence, Context ctx, Collector<AudioChunkEvent> out) throws Exception {
        long next = sequence;
        AudioChunkEvent chunk;
        while ((chunk = waiting.get(next)) != null) {
            waiting.remove(next);
            ctx.timerService().deleteEventTimeTimer(chunk.eventTime + maxOutOfOrderMillis);
            int count = waitingChunks.value() - 1;
            if (count == 0) {
                waitingChunks.clear();
                waitingBytes.clear();
            } else {
                waitingChunks.update(count);
                waitingBytes.update(waitingBytes.value() - StreamLimits.waitingBytes(chunk.samples.length));
            }
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

    private void reject(Context ctx, AudioChunkEvent chunk, String reason, String message) {
        deadLetters.count(reason);
        ctx.output(DeadLetteringDecoder.DEAD_LETTERS, ChunkDecoding.deadLetter(chunk, reason, message,
                ctx.timerService().currentProcessingTime()));
    }

    private void clear(Context ctx) throws Exception {
        for (AudioChunkEvent chunk : waiting.values()) {
            ctx.timerService().deleteEventTimeTimer(chunk.eventTime + maxOutOfOrderMillis);
        }
        if (idleTimer.value() != null) {
            liveStreams--;
        }
        IdleTimers.clear(idleTimer, ctx.timerService());
        waiting.clear();
        waitingChunks.clear();
        waitingBytes.clear();
        nextSequence.clear();
        lastEnd.clear();
    }

    /** Sets the live-stream count from the keyed state this subtask was restored with. */
    void restoreLiveStreams(long count) {
        liveStreams = count;
    }

    /** Recounts the live streams once the state is restored: a rescaled job's subtasks get other key groups. */
    private static final class LiveStreamCounting extends KeyedProcessOperator<String, AudioChunkEvent, AudioChunkEvent> {
        LiveStreamCounting(ChunkSequencer sequencer) {
            super(sequencer);
        }

        @Override
        public void open() throws Exception {
            super.open();
            try (var keys = getKeyedStateBackend().getKeys(IDLE_TIMER_STATE, VoidNamespace.INSTANCE)) {
                ((ChunkSequencer) getUserFunction()).restoreLiveStreams(keys.count());
            }
        }
    }
}
