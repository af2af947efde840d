package dev.hark.bench;

import dev.hark.model.AudioClassifier;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.*;

/**
 * The bundled model on one TensorFlow thread, called directly (no Flink): windows scored per second at each batch
 * size, the bound the job's inference operator is measured against. {@code varying}: batch sizes cycling through
 * 1..{@code batch}, as micro-batches closed by a deadline are. {@code interOpThreads}: 1 runs each op on a pool
 * thread of its own; -1 runs every op in the caller's thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class InferenceBenchmark {
    @Param({"1", "8", "32"})
    int batch;
    @Param({"1", "-1"})
    int interOpThreads;
    @Param({"false"})
    boolean varying;
    /** The model folder, from the repository root. */
    @Param({"model-export/models/keywords"})
    String model;

    AudioClassifier classifier;
    float[] input;
    int next;

    @Setup
    public void setUp() throws Exception {
        classifier = new AudioClassifier(Path.of(model), 1, interOpThreads).open();
        input = new float[batch * classifier.windowSize()];
        Random random = new Random(1);
        for (int i = 0; i < input.length; i++) {
            input[i] = (float) random.nextGaussian() - 8;
        }
    }

    @TearDown
    public void tearDown() {
        classifier.close();
    }

    /** One call; the score is calls per second, so windows per second is the score times the batch (averaged). */
    @Benchmark
    @OperationsPerInvocation(1)
    public float[][] classify() {
        int size = batch;
        if (varying) {
            size = 1 + next;
            next = (next + 1) % batch;
        }
        return classifier.classify(input, size);
    }
}
