package dev.hark.job.features;

import dev.hark.audio.FeatureSpec;
import dev.hark.audio.FeatureStream;
import dev.hark.audio.SlidingWindows;
import dev.hark.audio.StreamingFramer;
import dev.hark.job.ingest.AudioChunkEvent;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Turns each stream's ordered chunks into log-mel frames, each computed once as its samples arrive (resampled to
 * the model's rate first where needed), and slides model-sized windows over them. A thin adapter over
 * {@link FeatureStream} and {@link SlidingWindows}.
 */
public final class FeatureWindower extends KeyedProcessFunction<String, AudioChunkEvent, FeatureWindow> {
    private final FeatureSpec spec;
    private final int windowFrames;
    private final int hopFrames;
    private transient FeatureStream features;
    private transient SlidingWindows windows;
    private transient ValueState<StreamFeatureState> state;
    private transient Counter framesOut;
    private transient Counter windowsOut;

    public FeatureWindower(FeatureSpec spec, int windowFrames, int hopFrames) {
        this.spec = spec;
        this.windowFrames = windowFrames;
        this.hopFrames = hopFrames;
    }

    @Override
    public void open(OpenContext openContext) {
        features = new FeatureStream(spec);
        windows = new SlidingWindows(windowFrames, hopFrames, spec.featuresPerFrame());
        state = getRuntimeContext().getState(new ValueStateDescriptor<>("stream-features",
                TypeInformation.of(StreamFeatureState.class)));
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
        StreamingFramer.Advance advance = features.advance(current.audio, chunk.samples, chunk.sampleRate);
        framesOut.inc(advance.frameCount());
        long now = System.currentTimeMillis();
        for (SlidingWindows.Window w : windows.advance(current.windows, advance.frames(), advance.frameCount())) {
            long firstSample = w.firstFrame() * spec.hopLength();
            long start = current.originMillis + firstSample * 1000 / spec.sampleRate();
            long end = current.originMillis + (firstSample + spec.samplesForFrames(windowFrames)) * 1000 / spec.sampleRate();
            out.collect(new FeatureWindow(chunk.streamId, w.index(), start, end, w.frames(), now));
            windowsOut.inc();
        }
        state.update(current);
    }
}
