package dev.hark.job.inference;

import dev.hark.avro.ModelAnnouncement;
import dev.hark.avro.Prediction;
import dev.hark.job.features.FeatureWindow;
import dev.hark.model.AudioClassifier;
import dev.hark.model.ModelContract;
import java.nio.file.Path;
import java.util.ArrayList;
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
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Scores windows of all streams of a subtask in micro-batches: a batch goes to TensorFlow when it holds
 * {@code maxBatch} windows or when its oldest window has waited {@code maxDelayMillis}, whichever comes first. One
 * {@link AudioClassifier} per subtask, opened in {@link #open} and closed in {@link #close}. Pending windows are
 * scored before every checkpoint barrier and at the end of input, so the operator needs no state and loses nothing.
 *
 * <p>Given a model root, it looks for a newer version every {@code pollMillis}: a version that loads and fits the
 * running job (same features and input) is switched in between two batches, and predictions carry its version; one
 * that does not is rejected with a logged reason, and the serving model stays.
 *
 * <p>Connected to the model control topic (second input, broadcast to every subtask), it switches to each announced
 * model that loads, fits the job and carries the expected version, and from then on watches the announced location
 * instead of the configured one. The served announcement is kept in operator state (union list state, so it
 * survives rescaling): a job restored from a checkpoint serves it again. The second input carries no event time:
 * watermarks come from the windows alone.
 */
public final class BatchInferenceOperator extends AbstractStreamOperator<Prediction>
        implements OneInputStreamOperator<FeatureWindow, Prediction>,
        TwoInputStreamOperator<FeatureWindow, ModelAnnouncement, Prediction>, BoundedOneInput, BoundedMultiInput {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(BatchInferenceOperator.class);
    private final String modelDir;
    private final ModelContract jobContract;
    private final long pollMillis;
    private final int topK;
    private final int intraOpThreads;
    private final int maxBatch;
    private final long maxDelayMillis;
    private transient AudioClassifier classifier;
    private transient PredictionFormatter formatter;
    private transient List<StreamRecord<FeatureWindow>> pending;
    private transient float[] input;
    private transient boolean timerArmed;
    private transient Histogram batchSizes;
    private transient Histogram latencyMicros;
    private transient Counter windowsScored;
    private transient Counter modelSwaps;
    private transient Counter modelsRejected;
    private transient Counter announcementsApplied;
    private transient Path serving;
    /** Versions rejected by a poll, with their contract's time then: retried only once it changes. */
    private transient java.util.Map<Path, Long> rejected;
    /** The announcement being served, or null while the configured model is. */
    private transient ModelAnnouncement announced;
    private transient ListState<ModelAnnouncement> announcedState;
    /** The location polled for newer versions: the configured one, or the announced one. */
    private transient String watched;
    private transient boolean watchedIsRoot;

    public BatchInferenceOperator(String modelDir, ModelContract jobContract, int topK, int intraOpThreads, int maxBatch,
                                  long maxDelayMillis, long pollMillis) {
        if (maxBatch < 1 || maxDelayMillis < 0) {
            throw new IllegalArgumentException("batch size must be >= 1 and max delay >= 0");
        }
        this.modelDir = modelDir;
        this.jobContract = jobContract;
        this.pollMillis = pollMillis;
        this.topK = topK;
        this.intraOpThreads = intraOpThreads;
        this.maxBatch = maxBatch;
        this.maxDelayMillis = maxDelayMillis;
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
        rejected = new java.util.HashMap<>();
        batchSizes = getMetricGroup().histogram("batchSize", new DescriptiveStatisticsHistogram(1000));
        latencyMicros = getMetricGroup().histogram("inferenceMicros", new DescriptiveStatisticsHistogram(1000));
        windowsScored = getMetricGroup().counter("windowsScored");
        modelSwaps = getMetricGroup().counter("modelSwaps");
        modelsRejected = getMetricGroup().counter("modelsRejected");
        announcementsApplied = getMetricGroup().counter("announcementsApplied");
        if (announced != null) {
            try {
                watch(announced.getLocation());
                loadFirstThatFits();
                LOG.info("serving the announced model {} again after a restore", serving);
            } catch (Exception e) { // e.g. the job was restarted with another model, and front end, since
                LOG.warn("cannot serve the announced model {} after a restore ({}); serving {} instead",
                        announced.getLocation(), e.getMessage(), modelDir);
                announced = null;
            }
        }
        if (classifier == null) {
            watch(modelDir);
            loadFirstThatFits();
        }
        // After the model: its session, not this lookup, sets TensorFlow's process-wide thread pools.
        var devices = dev.hark.model.TensorFlowDevices.list();
        long gpus = dev.hark.model.TensorFlowDevices.gpuCount();
        LOG.info("TensorFlow devices: {}; serving on {}", devices, gpus > 0 ? "GPU:0" : "CPU");
        getMetricGroup().gauge("gpuDevices", () -> gpus);
        pending = new ArrayList<>(maxBatch);
        input = new float[maxBatch * classifier.windowSize()];
        if (pollMillis > 0) {
            schedulePoll();
        }
    }

    /** Makes {@code location} the watched one and its model (or its root's newest version) the one to serve. */
    private void watch(String location) throws java.io.IOException {
        Path local = ModelMirror.localView(location);
        serving = dev.hark.model.ModelRoot.resolve(local);
        watched = location;
        watchedIsRoot = dev.hark.model.ModelRoot.isRoot(local);
    }

    /**
     * Loads the watched model if it loads and fits the job; under a model root, the newest version that does, so a
     * broken newest version does not stop a restarted job.
     */
    private void loadFirstThatFits() throws java.io.IOException {
        List<Path> candidates = watchedIsRoot
                ? dev.hark.model.ModelRoot.versionsNewestFirst(ModelMirror.localView(watched)) : List.of(serving);
        StringBuilder why = new StringBuilder();
        for (Path dir : candidates) {
            AudioClassifier candidate = null;
            try {
                candidate = new AudioClassifier(dir, intraOpThreads, 1).open();
                java.util.Optional<String> unfit = dev.hark.model.ModelRoot.incompatibility(jobContract, candidate.contract());
                if (unfit.isPresent()) {
                    throw new IllegalArgumentException(unfit.get());
                }
            } catch (Exception e) {
                if (candidate != null) {
                    candidate.close();
                }
                if (watchedIsRoot) {
                    rejected.put(dir, contractTime(dir));
                    modelsRejected.inc();
                    LOG.warn("rejected model {} at start: {}; trying an older version", dir, e.getMessage());
                }
                why.append(why.length() == 0 ? "" : "; ").append(dir).append(": ").append(e.getMessage());
                continue;
            }
            classifier = candidate;
            serving = dir;
            ModelContract contract = candidate.contract();
            formatter = new PredictionFormatter(contract.labels(), contract.name(), contract.version(), topK);
            return;
        }
        throw new java.io.IOException("no model under " + watched + " loads: " + why);
    }

    private void schedulePoll() {
        long due = getProcessingTimeService().getCurrentProcessingTime() + pollMillis;
        getProcessingTimeService().registerTimer(due, time -> {
            checkForNewerModel();
            schedulePoll();
        });
    }

    /** Switches to a newer version under the watched model root if it loads and fits; otherwise logs why not. */
    void checkForNewerModel() {
        if (!watchedIsRoot) {
            return;
        }
        Path newest;
        try {
            newest = dev.hark.model.ModelRoot.newest(ModelMirror.localView(watched)).orElse(null);
        } catch (java.io.IOException e) {
            LOG.warn("cannot list model root {}: {}", watched, e.getMessage());
            return;
        }
        if (newest == null || newest.equals(serving) || rejected.getOrDefault(newest, -1L) == contractTime(newest)) {
            return;
        }
        if (!switchTo(newest, null, "new version under " + watched)) {
            rejected.put(newest, contractTime(newest)); // not tried again at every poll, unless republished
        }
    }

    private static long contractTime(Path dir) {
        try {
            return java.nio.file.Files.getLastModifiedTime(dir.resolve(ModelContract.FILE_NAME)).toMillis();
        } catch (java.io.IOException e) {
            return -2;
        }
    }

    /**
     * Switches to the model in {@code dir} between two batches if it loads, fits the running job and carries
     * {@code expectedVersion} (null: any); otherwise logs why not and keeps the serving model.
     */
    private boolean switchTo(Path dir, String expectedVersion, String why) {
        AudioClassifier candidate = null;
        try {
            candidate = new AudioClassifier(dir, intraOpThreads, 1).open();
            ModelContract contract = candidate.contract();
            java.util.Optional<String> unfit = dev.hark.model.ModelRoot.incompatibility(jobContract, contract);
            if (unfit.isEmpty() && expectedVersion != null && !expectedVersion.equals(contract.version())) {
                unfit = java.util.Optional.of("its contract says version " + contract.version() + ", not the expected "
                        + expectedVersion);
            }
            if (unfit.isPresent()) {
                throw new IllegalArgumentException(unfit.get());
            }
        } catch (Exception e) {
            if (candidate != null) {
                candidate.close();
            }
            modelsRejected.inc();
            LOG.warn("rejected model {} ({}): {}; still serving {}", dir, why, e.getMessage(), serving);
            return false;
        }
        flush(); // the pending windows go to the model they were waiting for
        AudioClassifier old = classifier;
        classifier = candidate;
        ModelContract contract = candidate.contract();
        formatter = new PredictionFormatter(contract.labels(), contract.name(), contract.version(), topK);
        LOG.info("switched model {} -> {} ({} v{}; {})", serving, dir, contract.name(), contract.version(), why);
        serving = dir;
        modelSwaps.inc();
        old.close();
        return true;
    }

    /** A model announced on the control topic: checked, then served and watched, or rejected with a logged reason. */
    @Override
    public void processElement2(StreamRecord<ModelAnnouncement> element) {
        ModelAnnouncement a = element.getValue();
        String why = "announced" + (a.getAnnouncedBy() == null ? "" : " by " + a.getAnnouncedBy()) + " at " + a.getAnnouncedAt();
        Path local;
        Path dir;
        try {
            local = ModelMirror.localView(a.getLocation());
            dir = dev.hark.model.ModelRoot.resolve(local);
        } catch (Exception e) {
            modelsRejected.inc();
            LOG.warn("rejected model {} ({}): {}; still serving {}", a.getLocation(), why, e.getMessage(), serving);
            return;
        }
        boolean same = dir.equals(serving) && (a.getExpectedVersion() == null
                || a.getExpectedVersion().equals(classifier.contract().version()));
        if (same || switchTo(dir, a.getExpectedVersion(), why)) {
            announced = a;
            watched = a.getLocation();
            watchedIsRoot = dev.hark.model.ModelRoot.isRoot(local);
            rejected.clear();
            announcementsApplied.inc();
        }
    }

    @Override
    public void processElement1(StreamRecord<FeatureWindow> element) throws Exception {
        processElement(element);
    }

    /** Event time comes from the windows alone: the control topic's watermarks would only hold it back. */
    @Override
    public void processWatermark1(Watermark mark) throws Exception {
        processWatermark(mark);
    }

    @Override
    public void processWatermark2(Watermark mark) {
    }

    @Override
    protected void processWatermarkStatus(WatermarkStatus status, int index) throws Exception {
        if (index == 0) {
            processWatermarkStatus(status);
        }
    }

    @Override
    public void processElement(StreamRecord<FeatureWindow> element) throws Exception {
        FeatureWindow window = element.getValue();
        int size = classifier.windowSize();
        if (window.frames.length != size) {
            throw new IllegalStateException("window of " + window.frames.length + " floats, model expects " + size);
        }
        System.arraycopy(window.frames, 0, input, pending.size() * size, size);
        pending.add(element.copy(window));
        if (pending.size() >= maxBatch) {
            flush();
        } else if (!timerArmed) {
            timerArmed = true;
            long due = getProcessingTimeService().getCurrentProcessingTime() + maxDelayMillis;
            getProcessingTimeService().registerTimer(due, time -> {
                timerArmed = false;
                flush();
            });
        }
    }

    /** Scores every pending window in one TensorFlow call and emits the predictions in arrival order. */
    private void flush() {
        if (pending.isEmpty()) {
            return;
        }
        int batch = pending.size();
        long start = System.nanoTime();
        float[][] scores = classifier.classify(input, batch);
        long micros = (System.nanoTime() - start) / 1000;
        batchSizes.update(batch);
        latencyMicros.update(micros);
        windowsScored.inc(batch);
        long now = System.currentTimeMillis();
        for (int i = 0; i < batch; i++) {
            StreamRecord<FeatureWindow> record = pending.get(i);
            Prediction p = formatter.format(record.getValue(), scores[i], micros, batch, now);
            output.collect(record.hasTimestamp() ? new StreamRecord<>(p, record.getTimestamp()) : new StreamRecord<>(p));
        }
        pending.clear();
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
        if (classifier != null) {
            classifier.close();
            classifier = null;
        }
        super.close();
    }
}
