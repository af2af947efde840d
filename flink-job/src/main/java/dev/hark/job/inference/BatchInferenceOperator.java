package dev.hark.job.inference;

import dev.hark.avro.ModelAnnouncement;
import dev.hark.avro.Prediction;
import dev.hark.job.features.FeatureWindow;
import dev.hark.model.AudioClassifier;
import dev.hark.model.MicroBatcher;
import dev.hark.model.OneDnn;
import dev.hark.model.ModelContract;
import dev.hark.model.ModelLifecycle;
import dev.hark.model.ModelSupplier;
import dev.hark.model.TensorFlowDevices;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.api.common.operators.MailboxExecutor;
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
 * goes to TensorFlow when full or when its oldest window has waited long enough) and {@link ModelSupplier} (one model
 * per subtask, loaded in {@link #open}; replacements are listed, fetched, loaded and warmed up on the supplier's
 * thread and handed over through the task's mailbox, to be swapped in between two batches, so a slow model location
 * never stalls windows or checkpoint barriers). Windows still waiting are scored before every checkpoint barrier and
 * at the end of input, so batching keeps no state.
 *
 * <p>Event time stays honest: a watermark that arrives while windows wait in the batch is held back and forwarded
 * right after them, so no prediction ever follows a watermark past its timestamp (what Flink's
 * {@code AsyncWaitOperator} guarantees), while windows of all streams still share batches.
 *
 * <p>Given a model root, it looks for a newer version every poll interval. Connected to the model control topic
 * (second input, broadcast to every subtask), it switches to each announced model that loads, fits the job and
 * carries the expected version, and then watches the announced location. The served announcement, and those still
 * being checked, are kept in operator state (union list state, so they survive rescaling): a job restored from a
 * checkpoint serves the one, and checks the others again in {@link #open} before any window. The second input
 * carries no event time: watermarks come from the windows alone.
 */
public final class BatchInferenceOperator extends AbstractStreamOperator<Prediction>
        implements OneInputStreamOperator<FeatureWindow, Prediction>,
        TwoInputStreamOperator<FeatureWindow, ModelAnnouncement, Prediction>, BoundedOneInput, BoundedMultiInput {
    private static final Logger LOG = LoggerFactory.getLogger(BatchInferenceOperator.class);
    private final InferenceSettings settings;
    private transient ModelSupplier models;
    /** The model scoring windows; only this task's thread reads or replaces it. */
    private transient AudioClassifier classifier;
    private transient boolean pollInFlight;
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
    /** Announcements taken from the control topic and still being checked by the supplier, oldest first. */
    private transient List<ModelAnnouncement> pending;
    private transient ListState<ModelAnnouncement> pendingState;

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
        pendingState = context.getOperatorStateStore().getUnionListState(
                new ListStateDescriptor<>("pending-model-announcements", TypeInformation.of(ModelAnnouncement.class)));
        // Every subtask checks every announcement: the union holds each one once per subtask. Those after the served
        // one are checked again, in the order they were announced.
        java.util.TreeMap<String, ModelAnnouncement> distinct = new java.util.TreeMap<>();
        for (ModelAnnouncement a : pendingState.get()) {
            if (announced == null || a.getAnnouncedAt().isAfter(announced.getAnnouncedAt())) {
                distinct.putIfAbsent(a.getAnnouncedAt().toEpochMilli() + " " + a.getLocation(), a);
            }
        }
        pending = new java.util.ArrayList<>(distinct.values());
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        announcedState.update(announced == null ? List.of() : List.of(announced));
        pendingState.update(pending);
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
        // Rejections are counted on the supplier's thread, the only one that increments this counter.
        ModelLifecycle lifecycle = new ModelLifecycle(settings.contract(),
                location -> ModelLocation.parse(location).localView(), this::openWarmedUp, new ModelLifecycle.Listener() {
                    @Override
                    public void rejected(String modelLocation, String why, String reason) {
                        modelsRejected.inc();
                    }
                });
        // The first model is loaded here, before any window comes: there is nothing to score without one.
        try {
            if (announced != null) {
                try {
                    lifecycle.start(ModelLocation.parse(announced.getLocation()).toString());
                    LOG.info("serving the announced model {} again after a restore", lifecycle.servingDir());
                } catch (Exception e) { // e.g. the job was restarted with another model, and front end, since
                    LOG.warn("cannot serve the announced model {} after a restore ({}); serving {} instead",
                            announced.getLocation(), e.getMessage(), settings.modelLocation());
                    announced = null;
                }
            }
            if (!lifecycle.isServing()) {
                lifecycle.start(settings.modelLocation().toString());
            }
            // Announcements still being checked when the checkpoint was taken: checked now, before any window, so
            // that a restored job serves what the job before it would have.
            for (ModelAnnouncement a : pending) {
                String location;
                try {
                    location = ModelLocation.parse(a.getLocation()).toString();
                } catch (IllegalArgumentException e) {
                    LOG.warn("rejected announced model ({}): {}", why(a), e.getMessage());
                    continue;
                }
                lifecycle.check(location, a.getExpectedVersion(), why(a)).ifPresent(candidate -> {
                    lifecycle.swap(candidate);
                    announced = a;
                    announcementsApplied.inc();
                });
            }
            pending.clear();
        } catch (Exception | Error e) {
            lifecycle.close();
            throw e;
        }
        MailboxExecutor mailbox = getContainingTask().getMailboxExecutorFactory()
                .createExecutor(getOperatorConfig().getChainIndex());
        models = new ModelSupplier(lifecycle, action -> mailbox.execute(action::run, "serve a model"),
                "hark-models-" + getOperatorName() + "-" + getRuntimeContext().getTaskInfo().getIndexOfThisSubtask());
        classifier = models.first();
        formatter = formatterFor(classifier.contract());
        batch = new MicroBatcher<>(settings.batchSize(), settings.maxDelayMillis(), classifier.windowSize());
        // After the model: its session, not this lookup, sets TensorFlow's process-wide thread pools.
        var devices = TensorFlowDevices.list();
        long gpus = TensorFlowDevices.gpuCount();
        LOG.info("TensorFlow devices: {}; serving on {}", devices, gpus > 0 ? "GPU:0" : "CPU");
        getMetricGroup().gauge("gpuDevices", () -> gpus);
        int oneDnn = OneDnn.enabled() ? 1 : 0; // fixed for the process: TensorFlow reads it once
        getMetricGroup().gauge("oneDnn", () -> oneDnn);
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

    /** Every poll interval the supplier looks for a newer version, unless its last look is still under way. */
    private void schedulePoll() {
        getProcessingTimeService().registerTimer(now() + settings.pollMillis(), time -> {
            if (!pollInFlight) {
                pollInFlight = true;
                models.poll(ready -> {
                    pollInFlight = false;
                    ready.ifPresent(this::serve);
                });
            }
            schedulePoll();
        });
    }

    /**
     * Swaps a model the supplier made ready in between two batches (the waiting windows go to the model they waited
     * for), and gives the replaced one back to be closed.
     */
    private void serve(ModelSupplier.Ready ready) {
        if (ready.classifier() == null) {
            return; // the same model, now watched under another location
        }
        flush();
        AudioClassifier replaced = classifier;
        classifier = ready.classifier();
        formatter = formatterFor(classifier.contract());
        modelSwaps.inc();
        models.retire(replaced);
    }

    /** A model announced on the control topic: checked by the supplier, then served and watched, or rejected. */
    @Override
    public void processElement2(StreamRecord<ModelAnnouncement> element) {
        ModelAnnouncement a = element.getValue();
        pending.add(a);
        check(a);
    }

    private static String why(ModelAnnouncement a) {
        return "announced" + (a.getAnnouncedBy() == null ? "" : " by " + a.getAnnouncedBy()) + " at " + a.getAnnouncedAt();
    }

    private void check(ModelAnnouncement a) {
        String why = why(a);
        String location;
        try {
            location = ModelLocation.parse(a.getLocation()).toString();
        } catch (IllegalArgumentException e) {
            LOG.warn("rejected announced model ({}): {}", why, e.getMessage());
            modelsRejected.inc();
            pending.remove(a);
            return;
        }
        models.check(location, a.getExpectedVersion(), why, ready -> {
            pending.remove(a);
            ready.ifPresent(r -> {
                serve(r);
                announced = a;
                announcementsApplied.inc();
            });
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
            float[][] scores = classifier.classify(taken.input(), taken.size());
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
        if (models != null) {
            models.close();
            models = null;
        }
        super.close();
    }
}
