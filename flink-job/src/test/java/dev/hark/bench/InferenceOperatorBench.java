package dev.hark.bench;

import dev.hark.avro.Prediction;
import dev.hark.job.features.FeatureWindow;
import dev.hark.job.inference.BatchInferenceOperator;
import dev.hark.job.inference.InferenceSettings;
import dev.hark.model.AudioClassifier;
import dev.hark.model.ModelContract;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;

/**
 * The inference operator against its bounds, on one thread and the bundled model: windows scored per second by
 * {@link BatchInferenceOperator} (windows pushed as fast as it takes them, batches of {@code B}, predictions built and
 * emitted) against a bare loop of {@link AudioClassifier#classify} on batches of {@code B}, and against the same loop
 * one window per call. The three run in turn, {@code ROUNDS} times, each for {@code SECONDS}; it prints each round,
 * the medians and the ratios. Not a test: nothing is asserted. Usage (from the repository root):
 * {@code docs/bench/inference_operator.sh [ROUNDS] [SECONDS] [B]}.
 */
public final class InferenceOperatorBench {
    private static final Path MODEL = Path.of("model-export", "models", "keywords");

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 5;
        int batch = args.length > 2 ? Integer.parseInt(args[2]) : 32;
        ModelContract contract = ModelContract.read(MODEL);
        List<FeatureWindow> windows = windows(contract, 64);
        float[] input = new float[batch * contract.inputSize()];
        for (int b = 0; b < batch; b++) {
            System.arraycopy(windows.get(b).frames, 0, input, b * contract.inputSize(), contract.inputSize());
        }
        List<Double> bare = new ArrayList<>();
        List<Double> operator = new ArrayList<>();
        List<Double> single = new ArrayList<>();
        System.out.printf("windows/s, batch %d, one TensorFlow thread, %s s per measurement%n", batch, seconds);
        System.out.printf("%6s %12s %12s %16s%n", "round", "bare loop", "operator", "1 window/call");
        try (AudioClassifier classifier = new AudioClassifier(MODEL, 1, AudioClassifier.CALLER_THREAD).open()) {
            classifier.warmUp(1, batch);
            bareLoop(classifier, input, batch, 1); // JIT and TensorFlow's first calls
            operatorLoop(contract, windows, batch, 1);
            for (int r = 1; r <= rounds; r++) {
                bare.add(bareLoop(classifier, input, batch, seconds));
                operator.add(operatorLoop(contract, windows, batch, seconds));
                single.add(bareLoop(classifier, input, 1, seconds));
                System.out.printf("%6d %12.0f %12.0f %16.0f%n", r, bare.get(r - 1), operator.get(r - 1), single.get(r - 1));
            }
        }
        double b = median(bare);
        double o = median(operator);
        double s = median(single);
        System.out.printf("median %12.0f %12.0f %16.0f%n", b, o, s);
        System.out.printf("operator / bare loop: %.2f; operator / one window per call: %.2fx%n", o / b, o / s);
    }

    /** Windows per second of {@code classify} on batches of {@code batch}. */
    static double bareLoop(AudioClassifier classifier, float[] input, int batch, double seconds) {
        long windows = 0;
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        while (System.nanoTime() < end) {
            classifier.classify(input, batch);
            windows += batch;
        }
        return windows / ((System.nanoTime() - start) / 1e9);
    }

    /** Windows per second through the operator, a fresh one per measurement (it opens and warms up its own model). */
    static double operatorLoop(ModelContract contract, List<FeatureWindow> windows, int batch, double seconds)
            throws Exception {
        InferenceSettings settings = new InferenceSettings(MODEL.toString(), contract, contract.labels().size(), 1,
                batch, 20, 0);
        try (OneInputStreamOperatorTestHarness<FeatureWindow, Prediction> harness =
                     new OneInputStreamOperatorTestHarness<>(new BatchInferenceOperator(settings))) {
            harness.open();
            long emitted = 0;
            long index = 0;
            long start = System.nanoTime();
            long end = start + (long) (seconds * 1e9);
            while (System.nanoTime() < end) {
                for (int i = 0; i < batch; i++, index++) {
                    FeatureWindow w = windows.get((int) (index % windows.size()));
                    harness.processElement(new StreamRecord<>(w, w.windowEnd));
                }
                emitted += harness.getOutput().size();
                harness.getOutput().clear();
            }
            double rate = emitted / ((System.nanoTime() - start) / 1e9);
            harness.endInput();
            return rate;
        }
    }

    /** Log-mel windows of noisy tones, as the windower would emit them. */
    static List<FeatureWindow> windows(ModelContract contract, int count) {
        var extractor = new dev.hark.audio.LogMelExtractor(contract.features());
        List<FeatureWindow> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            float[] audio = new float[(int) contract.features().samplesForFrames(contract.windowFrames())];
            Random random = new Random(i);
            for (int s = 0; s < audio.length; s++) {
                audio[s] = (float) (0.1 * Math.sin(s * (0.01 + 0.005 * i)) + 0.01 * random.nextGaussian());
            }
            float[] frames = java.util.Arrays.copyOf(extractor.extract(audio), contract.inputSize());
            out.add(new FeatureWindow("s" + i, i, 1000L * i, 1000L * i + 1000, frames, 0));
        }
        return out;
    }

    static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
