package dev.hark.job.inference;

import dev.hark.avro.Prediction;
import dev.hark.job.features.FeatureWindow;
import dev.hark.model.AudioClassifier;
import dev.hark.model.ModelContract;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
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
 */
public final class BatchInferenceOperator extends AbstractStreamOperator<Prediction>
        implements OneInputStreamOperator<FeatureWindow, Prediction>, BoundedOneInput {
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
    private transient Path serving;
    private transient java.util.Set<Path> rejected;

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
    public void open() throws Exception {
        super.open();
        TensorFlowClassLoading.registerReleaseHook(getRuntimeContext());
        Path location = ModelMirror.localView(modelDir);
        serving = dev.hark.model.ModelRoot.resolve(location);
        rejected = new java.util.HashSet<>();
        load(serving);
        pending = new ArrayList<>(maxBatch);
        input = new float[maxBatch * classifier.windowSize()];
        batchSizes = getMetricGroup().histogram("batchSize", new DescriptiveStatisticsHistogram(1000));
        latencyMicros = getMetricGroup().histogram("inferenceMicros", new DescriptiveStatisticsHistogram(1000));
        windowsScored = getMetricGroup().counter("windowsScored");
        modelSwaps = getMetricGroup().counter("modelSwaps");
        modelsRejected = getMetricGroup().counter("modelsRejected");
        if (dev.hark.model.ModelRoot.isRoot(location) && pollMillis > 0) {
            schedulePoll();
        }
    }

    private void load(Path dir) throws java.io.IOException {
        classifier = new AudioClassifier(dir, intraOpThreads, 1).open();
        ModelContract contract = classifier.contract();
        formatter = new PredictionFormatter(contract.labels(), contract.name(), contract.version(), topK);
    }

    private void schedulePoll() {
        long due = getProcessingTimeService().getCurrentProcessingTime() + pollMillis;
        getProcessingTimeService().registerTimer(due, time -> {
            checkForNewerModel();
            schedulePoll();
        });
    }

    /** Switches to a newer version under the model root if it loads and fits; otherwise logs why not. */
    void checkForNewerModel() {
        Path newest;
        try {
            newest = dev.hark.model.ModelRoot.newest(ModelMirror.localView(modelDir)).orElse(null);
        } catch (java.io.IOException e) {
            LOG.warn("cannot list model root {}: {}", modelDir, e.getMessage());
            return;
        }
        if (newest == null || newest.equals(serving) || rejected.contains(newest)) {
            return;
        }
        AudioClassifier candidate = null;
        try {
            candidate = new AudioClassifier(newest, intraOpThreads, 1).open();
            java.util.Optional<String> why = dev.hark.model.ModelRoot.incompatibility(jobContract, candidate.contract());
            if (why.isPresent()) {
                throw new IllegalArgumentException(why.get());
            }
        } catch (Exception e) {
            if (candidate != null) {
                candidate.close();
            }
            rejected.add(newest);
            modelsRejected.inc();
            LOG.warn("rejected model {}: {}; still serving {}", newest, e.getMessage(), serving);
            return;
        }
        flush(); // the pending windows go to the model they were waiting for
        AudioClassifier old = classifier;
        classifier = candidate;
        ModelContract contract = candidate.contract();
        formatter = new PredictionFormatter(contract.labels(), contract.name(), contract.version(), topK);
        LOG.info("switched model {} -> {} ({} v{})", serving, newest, contract.name(), contract.version());
        serving = newest;
        modelSwaps.inc();
        old.close();
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
