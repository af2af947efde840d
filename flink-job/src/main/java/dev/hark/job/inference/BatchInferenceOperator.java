package dev.hark.job.inference;

import dev.hark.avro.ModelAnnouncement;
import dev.hark.avro.Prediction;
import dev.hark.job.features.FeatureWindow;
import dev.hark.model.AudioClassifier;
import dev.hark.model.MicroBatcher;
import dev.hark.model.ModelContract;
import dev.hark.model.ModelLifecycle;
import dev.hark.model.TensorFlowDevices;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedMultiInput;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scores the windows of all streams of a subtask in micro-batches: a thin adapter over {@link MicroBatcher} (a batch
 * goes to TensorFlow when full or when its oldest window has waited long enough) and {@link ModelLifecycle} (one
 * model per subtask: loaded in {@link #open}, replacements checked and swapped in between two batches, closed in
 * {@link #close}). Windows still waiting are scored before every checkpoint barrier and at the end of input, so
 * batching keeps no state.
 *
 * <p>Event time stays honest: a watermark that arrives while windows wait in the batch is held back and forwarded
 * right after them, so no prediction ever follows a watermark past its timestamp (what Flink's
 * {@code AsyncWaitOperator} guarantees), while windows of all streams still share batches.
 *
 * <p>Given a model root, it looks for a newer version every poll interval. Connected to the model control topic
 * (second input, broadcast to every subtask), it switches to each announced model that loads, fits the job and
 * carries the expected version, and then watches the announced location. The served announcement is kept in
 * operator state (union list state, so it survives rescaling): a job restored from a checkpoint serves it again. The
 * second input carries no event time: watermarks come from the windows alone.
 */
public final class BatchInferenceOperator extends AbstractStreamOperator<Prediction>
        implements OneInputStreamOperator<FeatureWindow, Prediction>,
        TwoInputStreamOperator<FeatureWindow, ModelAnnouncement, Prediction>, BoundedOneInput, BoundedMultiInput {
    private static final Logger LOG = LoggerFactory.getLogger(BatchInferenceOperator.class);
    private final InferenceSettings settings;
    private transient ModelLifecycle model;
    private transient PredictionFormatter formatter;
    private transient MicroBatcher<StreamRecord<FeatureWindow>> batch;
    /** The latest watermark that came while windows waited: forwarded once they are emitted. */
    private transient Watermark heldWatermark;
    private transient boolean deadlineArmed;
    private transient Histogram batchSizes;
    private transient Histogram latencyMicros;
    private transient Counter windowsScored;
    private transient Counter modelSwaps;
    /** How long the last model opened took to warm up (a metric). */
    private transient volatile long lastWarmUpMillis;
    private transient Counter modelsRejected;
    private transient Counter announcementsApplied;
    /** The announcement being served, or null while the configured model is. */
    private transient ModelAnnouncement announced;
    private transient ListState<ModelAnnouncement> announcedState;

    public BatchInferenceOperator(InferenceSettings settings) {
        this.settings = settings;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        announcedState = context.getOperatorStateStore().getUnionListState(
                new ListStateDescriptor<>("announced-model", TypeInformation.of(ModelAnnouncement.class)));
        for (ModelAnnouncement a : announcedState.get()) { // one per subtask before the restore: take the latest
            if (announced == null || a.getAnnouncedAt().isAfter(announced.getAnnouncedAt())) {
                announced = a;
            }
        }
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        announcedState.update(announced == null ? List.of() : List.of(announced));
    }

    @Override
    public void open() throws Exception {
        super.open();
        TensorFlowClassLoading.registerReleaseHook(getRuntimeContext());
        batchSizes = getMetricGroup().histogram("batchSize", new DescriptiveStatisticsHistogram(1000));
        latencyMicros = getMetricGroup().histogram("inferenceMicros", new DescriptiveStatisticsHistogram(1000));
        windowsScored = getMetricGroup().counter("windowsScored");
        modelSwaps = getMetricGroup().counter("modelSwaps");
        modelsRejected = getMetricGroup().counter("modelsRejected");
        announcementsApplied = getMetricGroup().counter("announcementsApplied");
        getMetricGroup().gauge("modelWarmUpMillis", () -> lastWarmUpMillis);
        model = new ModelLifecycle(settings.contract(), ModelMirror::localView,
                this::openWarmedUp, new ModelLifecycle.Listener() {
                    @Override
                    public void swapped(Path from, Path to, ModelContract contract, String why) {
                        modelSwaps.inc();
                    }

                    @Override
                    public void rejected(String modelLocation, String why, String reason) {
                        modelsRejected.inc();
                    }
                });
        if (announced != null) {
            try {
                model.start(announced.getLocation());
                LOG.info("serving the announced model {} again after a restore", model.servingDir());
            } catch (Exception e) { // e.g. the job was restarted with another model, and front end, since
                LOG.warn("cannot serve the announced model {} after a restore ({}); serving {} instead",
                        announced.getLocation(), e.getMessage(), settings.modelLocation());
                announced = null;
            }
        }
        if (!model.isServing()) {
            model.start(settings.modelLocation());
        }
        formatter = formatterFor(model.contract());
        batch = new MicroBatcher<>(settings.batchSize(), settings.maxDelayMillis(), model.classifier().windowSize());
        // After the model: its session, not this lookup, sets TensorFlow's process-wide thread pools.
        var devices = TensorFlowDevices.list();
        long gpus = TensorFlowDevices.gpuCount();
        LOG.info("TensorFlow devices: {}; serving on {}", devices, gpus > 0 ? "GPU:0" : "CPU");
        getMetricGroup().gauge("gpuDevices", () -> gpus);
        if (settings.pollMillis() > 0) {
            schedulePoll();
        }
    }

    /**
     * Opens a model and runs it on a dummy batch of one window and one of a full batch, so that neither the first
     * model nor a swapped-in one makes its first real windows wait for TensorFlow's first-call set-up.
     */
    private AudioClassifier openWarmedUp(Path dir) throws Exception {
        AudioClassifier classifier = new AudioClassifier(dir, settings.intraOpThreads(), AudioClassifier.CALLER_THREAD,
                settings.precision()).open();
        try {
            long[] nanos = classifier.warmUp(1, settings.batchSize());
            lastWarmUpMillis = (nanos[0] + nanos[1]) / 1_000_000;
            LOG.info("model {} warmed up in {} ms (batch of 1: {} ms, of {}: {} ms), running in {}", dir,
                    lastWarmUpMillis, nanos[0] / 1_000_000, settings.batchSize(), nanos[1] / 1_000_000,
                    classifier.precision().key());
            return classifier;
        } catch (RuntimeException e) {
            classifier.close();
            throw e;
        }
    }

    private PredictionFormatter formatterFor(ModelContract contract) {
        return new PredictionFormatter(contract.labels(), contract.name(), contract.version(), settings.topK());
    }

    private long now() {
        return getProcessingTimeService().getCurrentProcessingTime();
    }

    private void schedulePoll() {
        getProcessingTimeService().registerTimer(now() + settings.pollMillis(), time -> {
            model.poll().ifPresent(this::swapIn);
            schedulePoll();
        });
    }

    /** Swaps a checked model in between two batches: the waiting windows go to the model they waited for. */
    private void swapIn(ModelLifecycle.Candidate candidate) {
        if (candidate.changesModel()) {
            flush();
        }
        model.swap(candidate);
        formatter = formatterFor(model.contract());
    }

    /** A model announced on the control topic: checked, then served and watched, or rejected with a logged reason. */
    @Override
    public void processElement2(StreamRecord<ModelAnnouncement> element) {
        ModelAnnouncement a = element.getValue();
        String why = "announced" + (a.getAnnouncedBy() == null ? "" : " by " + a.getAnnouncedBy()) + " at " + a.getAnnouncedAt();
        model.check(a.getLocation(), a.getExpectedVersion(), why).ifPresent(candidate -> {
            swapIn(candidate);
            announced = a;
            announcementsApplied.inc();
        });
    }

    @Override
    public void processElement1(StreamRecord<FeatureWindow> element) {
        processElement(element);
    }

    @Override
    public void processElement(StreamRecord<FeatureWindow> element) {
        if (batch.add(element.copy(element.getValue()), element.getValue().frames, now())) {
            flush();
        } else if (!deadlineArmed) {
            armDeadline();
        }
    }

    /** One timer at a time, at the waiting batch's deadline. */
    private void armDeadline() {
        deadlineArmed = true;
        getProcessingTimeService().registerTimer(batch.dueAt(), time -> {
            deadlineArmed = false;
            if (batch.isDue(time)) {
                flush();
            } else if (!batch.isEmpty()) { // the batch that armed it went out full; this one is due later
                armDeadline();
            }
        });
    }

    /** Scores the waiting windows in one TensorFlow call, emits their predictions in arrival order, then any watermark held back. */
    private void flush() {
        if (!batch.isEmpty()) {
            MicroBatcher.Batch<StreamRecord<FeatureWindow>> taken = batch.take();
            long start = System.nanoTime();
            float[][] scores = model.classifier().classify(taken.input(), taken.size());
            long micros = (System.nanoTime() - start) / 1000;
            batchSizes.update(taken.size());
            latencyMicros.update(micros);
            windowsScored.inc(taken.size());
            long emitted = System.currentTimeMillis();
            for (int i = 0; i < taken.size(); i++) {
                StreamRecord<FeatureWindow> window = taken.items().get(i);
                output.collect(window.replace(formatter.format(window.getValue(), scores[i], micros, taken.size(), emitted)));
            }
        }
        if (heldWatermark != null) {
            Watermark mark = heldWatermark;
            heldWatermark = null;
            forwardWatermark(mark);
        }
    }

    private void forwardWatermark(Watermark mark) {
        try {
            super.processWatermark(mark);
        } catch (Exception e) {
            throw new IllegalStateException("could not forward watermark " + mark, e);
        }
    }

    /** Forwarded at once when no window waits; otherwise held until the waiting windows are emitted. */
    @Override
    public void processWatermark(Watermark mark) {
        if (batch.isEmpty()) {
            forwardWatermark(mark);
        } else {
            heldWatermark = mark;
        }
    }

    /** Event time comes from the windows alone: the control topic's watermarks would only hold it back. */
    @Override
    public void processWatermark1(Watermark mark) {
        processWatermark(mark);
    }

    @Override
    public void processWatermark2(Watermark mark) {
    }

    /** Before the windows' input goes idle, what waits (and a held watermark) goes out: idle outputs drop watermarks. */
    @Override
    public void processWatermarkStatus(WatermarkStatus status) throws Exception {
        if (status.isIdle()) {
            flush();
        }
        super.processWatermarkStatus(status);
    }

    @Override
    protected void processWatermarkStatus(WatermarkStatus status, int index) throws Exception {
        if (index == 0) {
            processWatermarkStatus(status);
        }
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        flush(); // windows waiting for a batch belong before the barrier: no state to keep
        super.prepareSnapshotPreBarrier(checkpointId);
    }

    @Override
    public void endInput() {
        flush();
    }

    @Override
    public void endInput(int inputId) {
        if (inputId == 1) {
            flush();
        }
    }

    @Override
    public void finish() throws Exception {
        flush();
        super.finish();
    }

    @Override
    public void close() throws Exception {
        if (model != null) {
            model.close();
            model = null;
        }
        super.close();
    }
}
