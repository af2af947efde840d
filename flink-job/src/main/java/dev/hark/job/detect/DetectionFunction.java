package dev.hark.job.detect;

import dev.hark.avro.Detection;
import dev.hark.avro.Prediction;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Thin Flink adapter over {@link Debouncer}, keyed by stream: one detection per utterance. An utterance still open
 * when event time has passed its end by the settings' quiet time is reported then (so also at the end of a bounded input),
 * and the state freed.
 */
public final class DetectionFunction extends KeyedProcessFunction<String, Prediction, Detection> {
    private final DetectionSettings settings;
    private transient Debouncer debouncer;
    private transient ValueState<Debouncer.Run> run;
    private transient ValueState<Long> timer;

    public DetectionFunction(DetectionSettings settings) {
        this.settings = settings;
    }

    @Override
    public void open(OpenContext openContext) {
        debouncer = new Debouncer(settings.thresholds(), settings.background());
        run = getRuntimeContext().getState(new ValueStateDescriptor<>("utterance", TypeInformation.of(Debouncer.Run.class)));
        timer = getRuntimeContext().getState(new ValueStateDescriptor<>("quiet-timer", Types.LONG));
    }

    @Override
    public void processElement(Prediction p, Context ctx, Collector<Detection> out) throws Exception {
        Debouncer.Run current = run.value() == null ? new Debouncer.Run() : run.value();
        debouncer.next(current, p).ifPresent(out::collect);
        Long previous = timer.value();
        if (previous != null) {
            ctx.timerService().deleteEventTimeTimer(previous);
            timer.clear();
        }
        if (current.label == null) {
            run.clear();
            return;
        }
        run.update(current);
        long due = current.end + settings.quietMillis();
        ctx.timerService().registerEventTimeTimer(due);
        timer.update(due);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Detection> out) throws Exception {
        Long due = timer.value();
        if (due == null || due != timestamp) {
            return;
        }
        Debouncer.Run current = run.value();
        if (current != null) {
            debouncer.finish(current).ifPresent(out::collect);
        }
        run.clear();
        timer.clear();
    }
}
