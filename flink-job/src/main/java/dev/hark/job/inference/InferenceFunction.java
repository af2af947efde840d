package dev.hark.job.inference;

import dev.hark.avro.Prediction;
import dev.hark.job.features.FeatureWindow;
import dev.hark.model.AudioClassifier;
import dev.hark.model.ModelContract;
import java.nio.file.Path;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/**
 * Scores windows with the TensorFlow SavedModel: one {@link AudioClassifier} per subtask, opened in {@link #open}
 * and closed in {@link #close}.
 */
public final class InferenceFunction extends RichMapFunction<FeatureWindow, Prediction> {
    private final String modelDir;
    private final int topK;
    private final int intraOpThreads;
    private transient AudioClassifier classifier;
    private transient PredictionFormatter formatter;
    private transient Histogram latencyMicros;

    public InferenceFunction(String modelDir, int topK, int intraOpThreads) {
        this.modelDir = modelDir;
        this.topK = topK;
        this.intraOpThreads = intraOpThreads;
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        classifier = new AudioClassifier(Path.of(modelDir), intraOpThreads, 1).open();
        ModelContract contract = classifier.contract();
        formatter = new PredictionFormatter(contract.labels(), contract.name(), contract.version(), topK);
        latencyMicros = getRuntimeContext().getMetricGroup().histogram("inferenceMicros",
                new DescriptiveStatisticsHistogram(1000));
    }

    @Override
    public Prediction map(FeatureWindow window) {
        if (window.frames.length != classifier.windowSize()) {
            throw new IllegalStateException("window of " + window.frames.length + " floats, model expects "
                    + classifier.windowSize());
        }
        long start = System.nanoTime();
        float[] scores = classifier.classify(window.frames, 1)[0];
        long micros = (System.nanoTime() - start) / 1000;
        latencyMicros.update(micros);
        return formatter.format(window, scores, micros, 1, System.currentTimeMillis());
    }

    @Override
    public void close() {
        if (classifier != null) {
            classifier.close();
        }
    }
}
