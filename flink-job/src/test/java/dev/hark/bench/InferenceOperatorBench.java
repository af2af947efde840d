package dev.hark.bench;

import dev.hark.avro.Prediction;
import dev.hark.job.features.FeatureWindow;
import dev.hark.job.inference.BatchInferenceOperator;
import dev.hark.job.inference.InferenceSettings;
import dev.hark.model.AudioClassifier;
import dev.hark.model.ModelContract;
import dev.hark.model.Precision;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;

/**
 * The inference operator against its bounds, on one thread and the bundled model (or {@code HARK_BENCH_MODEL}): windows scored per second by
 * {@link BatchInferenceOperator} (windows pushed as fast as it takes them, batches of {@code B}, predictions built and
 * emitted) against a bare loop of {@link AudioClassifier#classify} on batches of {@code B}, and against the same loop
 * one window per call. The three run in turn, {@code ROUNDS} times, each for {@code SECONDS}; it prints each round,
 * the medians and the ratios. Not a test: nothing is asserted. Usage (from the repository root):
 * {@code docs/bench/inference_operator.sh [ROUNDS] [SECONDS] [B] [PRECISION,...]} (default {@code auto}; e.g.
 * {@code float32,bfloat16} measures both in turn in every round).
 */
public final class InferenceOperatorBench {
    /** The bundled model, or the model folder that {@code HARK_BENCH_MODEL} names (the script passes it on). */
    private static final Path MODEL = Path.of(System.getProperty("hark.bench.model",
            Path.of("model-export", "models", "keywords").toString()));

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 5;
        int batch = args.length > 2 ? Integer.parseInt(args[2]) : 32;
        // Several precisions (float32,bfloat16) are measured in turn within each round, so their ratio is side by side.
        List<Precision> precisions = Arrays.stream((args.length > 3 ? args[3] : "auto").split(","))
                .map(Precision::of).toList();
        ModelContract contract = ModelContract.read(MODEL);
        List<FeatureWindow> windows = windows(contract, 64);
        float[] input = new float[batch * contract.inputSize()];
        for (int b = 0; b < batch; b++) {
            System.arraycopy(windows.get(b).frames, 0, input, b * contract.inputSize(), contract.inputSize());
        }
        List<List<double[]>> results = new ArrayList<>();
        System.out.printf("windows/s, batch %d, one TensorFlow thread, %s s per measurement%n", batch, seconds);
        System.out.printf("%6s %-9s %12s %12s %16s%n", "round", "precision", "bare loop", "operator", "1 window/call");
        for (int r = 1; r <= rounds; r++) {
            for (int p = 0; p < precisions.size(); p++) {
                Precision precision = precisions.get(p);
                double[] round = new double[3];
                try (AudioClassifier classifier = new AudioClassifier(MODEL, 1, AudioClassifier.CALLER_THREAD,
                        precision).open()) {
                    classifier.warmUp(1, batch);
                    bareLoop(classifier, input, batch, 1); // JIT and TensorFlow's first calls
                    round[0] = bareLoop(classifier, input, batch, seconds);
                    round[1] = operatorLoop(contract, windows, batch, seconds, precision);
                    round[2] = bareLoop(classifier, input, 1, seconds);
                }
                if (results.size() <= p) {
                    results.add(new ArrayList<>());
                }
                results.get(p).add(round);
                System.out.printf("%6d %-9s %12.0f %12.0f %16.0f%n", r, precision.resolve().key(), round[0], round[1],
                        round[2]);
            }
        }
        double firstOperator = 0;
        for (int p = 0; p < precisions.size(); p++) {
            List<double[]> rows = results.get(p);
            double b = median(rows.stream().map(x -> x[0]).toList());
            double o = median(rows.stream().map(x -> x[1]).toList());
            double s = median(rows.stream().map(x -> x[2]).toList());
            String name = precisions.get(p).resolve().key();
            System.out.printf("median %-9s %12.0f %12.0f %16.0f%n", name, b, o, s);
            System.out.printf("%s: operator / bare loop: %.2f; operator / one window per call: %.2fx%n", name, o / b, o / s);
            if (p == 0) {
                firstOperator = o;
            } else {
                System.out.printf("operator, %s / %s: %.2f%n", name, precisions.get(0).resolve().key(), o / firstOperator);
            }
        }
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
    static double operatorLoop(ModelContract contract, List<FeatureWindow> windows, int batch, double seconds,
                               Precision precision) throws Exception {
        InferenceSettings settings = new InferenceSettings(dev.hark.job.inference.ModelLocation.parse(MODEL.toString()), contract, contract.labels().size(), 1,
                batch, 20, 0, precision);
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
