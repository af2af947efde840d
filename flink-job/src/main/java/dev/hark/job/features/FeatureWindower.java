package dev.hark.job.features;

import dev.hark.audio.FeatureSpec;
import dev.hark.audio.FeatureStream;
import dev.hark.audio.SlidingWindows;
import dev.hark.audio.StreamingFramer;
import dev.hark.job.timers.IdleTimers;
import dev.hark.job.ingest.AudioChunkEvent;
import dev.hark.model.ModelContract;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Turns each stream's ordered chunks into log-mel frames, each computed once as its samples arrive (resampled to
 * the model's rate first where needed), and slides model-sized windows over them. For a waveform model the windows
 * hold the resampled samples themselves, on the same time grid. A thin adapter over {@link FeatureStream} and
 * {@link SlidingWindows}.
 */
public final class FeatureWindower extends KeyedProcessFunction<String, AudioChunkEvent, FeatureWindow> {
    /**
     * Audio run through the front end at open, so that the JIT has compiled it before the first stream's chunks
     * come (interpreted, the front end is two orders of magnitude slower).
     */
    static final double WARM_UP_SECONDS = 30;
    private final FeatureSpec spec;
    private final boolean waveform;
    private final int windowFrames;
    /** Samples per step of the window grid: a frame hop for log-mel windows, one sample for waveform windows. */
    private final int unitSamples;
    /** Steps between window starts. */
    private final int hopUnits;
    private final long idleTimeoutMillis;
    private transient FeatureStream features;
    private transient ValueState<Long> idleTimer;
    private transient SlidingWindows windows;
    private transient ValueState<StreamFeatureState> state;
    private transient Counter framesOut;
    private transient Counter windowsOut;

    /** Windows of {@code windowFrames} frames every {@code hopFrames}, as log-mel frames or as samples. */
    public FeatureWindower(WindowSettings settings) {
        this.spec = settings.features();
        this.waveform = settings.input() == ModelContract.InputKind.WAVEFORM;
        this.windowFrames = settings.windowFrames();
        this.unitSamples = waveform ? 1 : spec.hopLength();
        this.hopUnits = waveform ? settings.hopFrames() * spec.hopLength() : settings.hopFrames();
        this.idleTimeoutMillis = settings.streamIdleMillis();
    }

    @Override
    public void open(OpenContext openContext) {
        features = new FeatureStream(spec);
        // Compiled before the first streams arrive: after a (re)start under load, hundreds of streams at once would
        // otherwise queue behind the interpreter for tens of seconds.
        features.warmUp(WARM_UP_SECONDS);
        windows = waveform ? new SlidingWindows((int) spec.samplesForFrames(windowFrames), hopUnits, 1)
                : new SlidingWindows(windowFrames, hopUnits, spec.featuresPerFrame());
        state = getRuntimeContext().getState(new ValueStateDescriptor<>("stream-features",
                TypeInformation.of(StreamFeatureState.class)));
        idleTimer = getRuntimeContext().getState(new ValueStateDescriptor<>("idle-timer",
                org.apache.flink.api.common.typeinfo.Types.LONG));
        framesOut = getRuntimeContext().getMetricGroup().counter("framesComputed");
        windowsOut = getRuntimeContext().getMetricGroup().counter("windowsOut");
    }

    @Override
    public void processElement(AudioChunkEvent chunk, Context ctx, Collector<FeatureWindow> out) throws Exception {
        StreamFeatureState current = state.value();
        if (current == null) {
            current = new StreamFeatureState();
            current.originMillis = chunk.eventTime;
        }
        long before = current.frames * unitSamples + current.audio.carry.length;
        StreamingFramer.Advance advance = waveform
                ? samples(features.atSpecRate(current.audio, chunk.samples, chunk.sampleRate))
                : features.advance(current.audio, chunk.samples, chunk.sampleRate);
        if (chunk.gapFill) {
            long after = (current.frames + advance.frameCount()) * unitSamples + current.audio.carry.length;
            long[] gaps = java.util.Arrays.copyOf(current.gaps, current.gaps.length + 2);
            gaps[gaps.length - 2] = before;
            gaps[gaps.length - 1] = Math.max(after, before + 1);
            current.gaps = gaps;
        }
        emitWindows(chunk.streamId, current, advance, out);
        if (chunk.endOfStream) { // score what the resampler still holds, then forget the stream
            emitWindows(chunk.streamId, current,
                    waveform ? samples(features.finishAtSpecRate(current.audio)) : features.finish(current.audio), out);
            state.clear();
            IdleTimers.clear(idleTimer, ctx.timerService());
            return;
        }
        state.update(current);
        IdleTimers.touch(idleTimer, ctx.timerService(), idleTimeoutMillis);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<FeatureWindow> out) throws Exception {
        if (IdleTimers.isDue(idleTimer, timestamp)) { // idle: free the stream (a partial window is dropped)
            state.clear();
            idleTimer.clear();
        }
    }

    /** Samples as "frames" of one sample each, for the waveform windows. */
    private static StreamingFramer.Advance samples(float[] samples) {
        return new StreamingFramer.Advance(samples, samples.length, new float[0]);
    }

    private static boolean overlapsGap(long[] gaps, long from, long to) {
        for (int i = 0; i < gaps.length; i += 2) {
            if (gaps[i] < to && gaps[i + 1] > from) {
                return true;
            }
        }
        return false;
    }

    /** Drops gap ranges that end before {@code sample}, where the next window starts. */
    private static long[] gapsFrom(long[] gaps, long sample) {
        int keep = 0;
        for (int i = 0; i < gaps.length; i += 2) {
            if (gaps[i + 1] > sample) {
                keep += 2;
            }
        }
        if (keep == gaps.length) {
            return gaps;
        }
        long[] out = new long[keep];
        for (int i = 0, j = 0; i < gaps.length; i += 2) {
            if (gaps[i + 1] > sample) {
                out[j++] = gaps[i];
                out[j++] = gaps[i + 1];
            }
        }
        return out;
    }

    private void emitWindows(String streamId, StreamFeatureState current, StreamingFramer.Advance advance,
                             Collector<FeatureWindow> out) {
        if (!waveform) {
            framesOut.inc(advance.frameCount());
        }
        current.frames += advance.frameCount();
        long now = System.currentTimeMillis();
        long windowSamples = spec.samplesForFrames(windowFrames);
        for (SlidingWindows.Window w : windows.advance(current.windows, advance.frames(), advance.frameCount())) {
            long firstSample = w.firstFrame() * unitSamples;
            long start = current.originMillis + firstSample * 1000 / spec.sampleRate();
            long end = current.originMillis + (firstSample + windowSamples) * 1000 / spec.sampleRate();
            FeatureWindow window = new FeatureWindow(streamId, w.index(), start, end, w.frames(), now);
            window.gapFilled = overlapsGap(current.gaps, firstSample, firstSample + windowSamples);
            out.collect(window);
            windowsOut.inc();
        }
        current.gaps = gapsFrom(current.gaps, current.windows.nextWindow * hopUnits * unitSamples);
    }
}
