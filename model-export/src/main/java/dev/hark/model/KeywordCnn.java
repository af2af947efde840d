package dev.hark.model;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.op.math.Mean;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * A small CNN over log-mel windows: per-window normalisation, four 3x3 conv layers with max pooling, global
 * average pooling and a dense layer. The same builder makes the training graph and the exported inference graph,
 * so the two cannot drift apart.
 */
public final class KeywordCnn {
    /** A trainable parameter: name and shape. */
    public record Param(String name, long[] shape) {
        int size() {
            return (int) Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        }

        int fanIn() {
            return shape.length == 4 ? (int) (shape[0] * shape[1] * shape[2]) : (int) shape[0];
        }
    }

    private static final int[] CHANNELS = {16, 32, 64, 64};
    /** 60 dB in natural-log power units (the front end's log is ln). */
    static final float DYNAMIC_RANGE = (float) (60 / (10 * Math.log10(Math.E)));

    private KeywordCnn() {
    }

    /** The parameters of a model with {@code labels} outputs, in a fixed order. */
    public static List<Param> params(int labels) {
        int in = 1;
        java.util.ArrayList<Param> params = new java.util.ArrayList<>();
        for (int i = 0; i < CHANNELS.length; i++) {
            params.add(new Param("conv" + i + "_kernel", new long[] {3, 3, in, CHANNELS[i]}));
            params.add(new Param("conv" + i + "_bias", new long[] {CHANNELS[i]}));
            in = CHANNELS[i];
        }
        params.add(new Param("dense_kernel", new long[] {in, labels}));
        params.add(new Param("dense_bias", new long[] {labels}));
        return List.copyOf(params);
    }

    /** He-normal kernels and zero biases, deterministic for a seed. */
    public static Map<String, float[]> initialValues(int labels, long seed) {
        Random random = new Random(seed);
        Map<String, float[]> values = new LinkedHashMap<>();
        for (Param p : params(labels)) {
            float[] v = new float[p.size()];
            if (p.name().endsWith("_kernel")) {
                double std = Math.sqrt(2.0 / p.fanIn());
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) (random.nextGaussian() * std);
                }
            }
            values.put(p.name(), v);
        }
        return values;
    }

    /** Creates one variable per parameter, initialised (in the init scope) with the given values. */
    public static Map<String, Variable<TFloat32>> variables(Ops tf, int labels, Map<String, float[]> values) {
        Map<String, Variable<TFloat32>> vars = new LinkedHashMap<>();
        Ops init = tf.withInitScope();
        for (Param p : params(labels)) {
            float[] v = values.get(p.name());
            Operand<TFloat32> initial = init.constant(Shape.of(p.shape()), DataBuffers.of(v, true, false));
            vars.put(p.name(), init.withName(p.name()).variable(initial));
        }
        return vars;
    }

    /** Logits [batch, labels] for log-mel input [batch, frames, mels]. */
    public static Operand<TFloat32> logits(Ops tf, Operand<TFloat32> mel, Map<String, Variable<TFloat32>> vars) {
        Operand<TInt32> allButBatch = tf.constant(new int[] {1, 2});
        // Nothing quieter than DYNAMIC_RANGE below the window's loudest value: a band with no energy at all (a
        // 4 kHz voice upsampled, digital silence) then looks like a quiet one, not like a value far off the scale.
        Operand<TFloat32> loudest = tf.max(mel, allButBatch, org.tensorflow.op.core.Max.keepDims(true));
        mel = tf.math.maximum(mel, tf.math.sub(loudest, tf.constant(DYNAMIC_RANGE)));
        Operand<TFloat32> mean = tf.math.mean(mel, allButBatch, Mean.keepDims(true));
        Operand<TFloat32> centred = tf.math.sub(mel, mean);
        Operand<TFloat32> variance = tf.math.mean(tf.math.square(centred), allButBatch, Mean.keepDims(true));
        Operand<TFloat32> x = tf.math.mul(centred, tf.math.rsqrt(tf.math.add(variance, tf.constant(1e-3f))));
        x = tf.expandDims(x, tf.constant(-1));
        List<Long> ones = List.of(1L, 1L, 1L, 1L);
        for (int i = 0; i < CHANNELS.length; i++) {
            x = tf.nn.conv2d(x, vars.get("conv" + i + "_kernel"), ones, "SAME");
            x = tf.nn.relu(tf.nn.biasAdd(x, vars.get("conv" + i + "_bias")));
            if (i < CHANNELS.length - 1) {
                x = maxPool2x2(tf, x);
            }
        }
        Operand<TFloat32> pooled = tf.math.mean(x, tf.constant(new int[] {1, 2}));
        return tf.math.add(tf.linalg.matMul(pooled, vars.get("dense_kernel")), vars.get("dense_bias"));
    }

    /**
     * 2x2 max pooling as TensorFlow's {@code MaxPool} op, with the window in attributes. TensorFlow Java's
     * {@code tf.nn.maxPool} builds {@code MaxPoolV2}, whose window is a tensor input: oneDNN does not take that op, so
     * it ran on Eigen's generic kernel and took 13% of inference time in the job; {@code MaxPool} runs on oneDNN.
     */
    static Operand<TFloat32> maxPool2x2(Ops tf, Operand<TFloat32> x) {
        long[] window = {1, 2, 2, 1};
        return tf.scope().opBuilder("MaxPool", "MaxPool")
                .addInput(x.asOutput())
                .setAttr("ksize", window)
                .setAttr("strides", window)
                .setAttr("padding", "SAME")
                .build()
                .<TFloat32>output(0);
    }
}
