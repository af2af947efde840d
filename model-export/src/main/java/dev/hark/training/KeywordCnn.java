package dev.hark.training;

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

    /** Channels of the four conv layers unless a model's training summary names others. */
    public static final List<Integer> DEFAULT_CHANNELS = List.of(16, 32, 64, 64);

    /** Key of the training summary that names the conv layers' channels; absent for {@link #DEFAULT_CHANNELS}. */
    public static final String CHANNELS_KEY = "channels";

    private static final int LAYERS = DEFAULT_CHANNELS.size();

    private KeywordCnn() {
    }

    /** The parameters of a model with {@code labels} outputs and the default channels, in a fixed order. */
    public static List<Param> params(int labels) {
        return params(labels, DEFAULT_CHANNELS);
    }

    /** The parameters of a model with {@code labels} outputs and these conv channels, in a fixed order. */
    public static List<Param> params(int labels, List<Integer> channels) {
        requireLayers(channels);
        int in = 1;
        java.util.ArrayList<Param> params = new java.util.ArrayList<>();
        for (int i = 0; i < channels.size(); i++) {
            params.add(new Param("conv" + i + "_kernel", new long[] {3, 3, in, channels.get(i)}));
            params.add(new Param("conv" + i + "_bias", new long[] {channels.get(i)}));
            in = channels.get(i);
        }
        params.add(new Param("dense_kernel", new long[] {in, labels}));
        params.add(new Param("dense_bias", new long[] {labels}));
        return List.copyOf(params);
    }

    /** He-normal kernels and zero biases, deterministic for a seed, with the default channels. */
    public static Map<String, float[]> initialValues(int labels, long seed) {
        return initialValues(labels, DEFAULT_CHANNELS, seed);
    }

    /** He-normal kernels and zero biases, deterministic for a seed. */
    public static Map<String, float[]> initialValues(int labels, List<Integer> channels, long seed) {
        Random random = new Random(seed);
        Map<String, float[]> values = new LinkedHashMap<>();
        for (Param p : params(labels, channels)) {
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
        return variables(tf, labels, values, 0);
    }

    /**
     * The variables of one tower of an ensemble: named, and read from {@code values}, with {@link #towerPrefix}; keyed
     * by the plain parameter name, as {@link #logits} looks them up.
     */
    public static Map<String, Variable<TFloat32>> variables(Ops tf, int labels, Map<String, float[]> values, int tower) {
        return variables(tf, labels, DEFAULT_CHANNELS, values, tower);
    }

    /** As above, for a model with these conv channels. */
    public static Map<String, Variable<TFloat32>> variables(Ops tf, int labels, List<Integer> channels,
                                                            Map<String, float[]> values, int tower) {
        Map<String, Variable<TFloat32>> vars = new LinkedHashMap<>();
        Ops init = tf.withInitScope();
        String prefix = towerPrefix(tower);
        for (Param p : params(labels, channels)) {
            float[] v = values.get(prefix + p.name());
            if (v == null) {
                throw new IllegalArgumentException("no weights for " + prefix + p.name());
            }
            if (v.length != p.size()) {
                throw new IllegalArgumentException(prefix + p.name() + " has " + v.length + " weights where channels "
                        + channels + " need " + p.size() + " (shape " + Arrays.toString(p.shape()) + ")");
            }
            Operand<TFloat32> initial = init.constant(Shape.of(p.shape()), DataBuffers.of(v, true, false));
            vars.put(p.name(), init.withName(prefix + p.name()).variable(initial));
        }
        return vars;
    }

    /** What a tower's parameter names start with: nothing for the first, so a one-tower model is as before. */
    public static String towerPrefix(int tower) {
        return tower == 0 ? "" : "tower" + tower + "_";
    }

    /** Key of the training summary that says how many towers a model averages; absent for one. */
    public static final String TOWERS_KEY = "towers";

    /** How many towers a model with this training summary has. */
    public static int towersOf(Map<String, Object> training) {
        return training != null && training.get(TOWERS_KEY) instanceof Number n ? n.intValue() : 1;
    }

    /** The conv channels a model with this training summary has: {@link #DEFAULT_CHANNELS} where it names none. */
    public static List<Integer> channelsOf(Map<String, Object> training) {
        if (training == null || !(training.get(CHANNELS_KEY) instanceof List<?> list)) {
            return DEFAULT_CHANNELS;
        }
        List<Integer> channels = list.stream().map(v -> ((Number) v).intValue()).toList();
        requireLayers(channels);
        return channels;
    }

    private static void requireLayers(List<Integer> channels) {
        if (channels.size() != LAYERS || channels.stream().anyMatch(c -> c < 1)) {
            throw new IllegalArgumentException("the CNN has " + LAYERS + " conv layers, each with at least one channel;"
                    + " got channels " + channels);
        }
    }

    /**
     * Probabilities of an ensemble of towers: the softmax of their mean log-probabilities (a normalised geometric
     * mean), which is one tower's softmax when there is one. The softmax is named {@code name} (null: any name).
     */
    public static Operand<TFloat32> probabilities(Ops tf, List<Operand<TFloat32>> towerLogits, String name) {
        Ops last = name == null ? tf : tf.withName(name);
        if (towerLogits.size() == 1) {
            return last.nn.softmax(towerLogits.get(0));
        }
        Operand<TFloat32> sum = null;
        for (Operand<TFloat32> logits : towerLogits) {
            Operand<TFloat32> logProbabilities = tf.nn.logSoftmax(logits);
            sum = sum == null ? logProbabilities : tf.math.add(sum, logProbabilities);
        }
        return last.nn.softmax(tf.math.mul(sum, tf.constant(1f / towerLogits.size())));
    }

    /**
     * What the graph does around the weights: to a window before the convolutions, nothing more than
     * {@code dynamicRangeDb} below the window's loudest value (0: no floor), cepstral smoothing to {@code keptCepstra}
     * coefficients (0: none), and, after normalising, an average over blocks of {@code poolFrames} frames by
     * {@code poolBands} mel bands (1 by 1: none); after the first conv layer, max pooling over blocks of
     * {@code firstPoolFrames} by {@code firstPoolBands} (2 by 2 after every layer but the last, unless told otherwise).
     * Pooling sooner gives the later layers fewer positions to work on. Written into the contract's training summary,
     * so that a model is re-exported with the steps it was trained with; models from before these steps have none.
     */
    public record Front(double dynamicRangeDb, int keptCepstra, int poolFrames, int poolBands, int firstPoolFrames,
                        int firstPoolBands) {
        /** What training uses unless told otherwise. */
        public static final Front CURRENT = new Front(60, 14);
        static final String DYNAMIC_RANGE_KEY = "dynamic_range_db";
        static final String CEPSTRA_KEY = "kept_cepstra";
        /** Key of the training summary that names the input pooling, [frames, bands]; absent for none. */
        public static final String INPUT_POOL_KEY = "input_pool";
        /** Key of the training summary that names the pooling after the first conv layer; absent for 2 by 2. */
        public static final String FIRST_POOL_KEY = "first_pool";

        public Front {
            if (poolFrames < 1 || poolBands < 1 || firstPoolFrames < 1 || firstPoolBands < 1) {
                throw new IllegalArgumentException("pooling is at least 1 frame by 1 band, got " + poolFrames + " by "
                        + poolBands + " before the first conv layer, " + firstPoolFrames + " by " + firstPoolBands
                        + " after it");
            }
        }

        /** A front without input pooling and with 2 by 2 after the first layer, as models had before either. */
        public Front(double dynamicRangeDb, int keptCepstra) {
            this(dynamicRangeDb, keptCepstra, 1, 1, 2, 2);
        }

        /** This front, with its input averaged over blocks of {@code frames} by {@code bands}. */
        public Front withInputPool(int frames, int bands) {
            return new Front(dynamicRangeDb, keptCepstra, frames, bands, firstPoolFrames, firstPoolBands);
        }

        /** This front, with the first conv layer's output max-pooled over blocks of {@code frames} by {@code bands}. */
        public Front withFirstPool(int frames, int bands) {
            return new Front(dynamicRangeDb, keptCepstra, poolFrames, poolBands, frames, bands);
        }

        boolean poolsInput() {
            return poolFrames > 1 || poolBands > 1;
        }

        boolean poolsFirstAsBefore() {
            return firstPoolFrames == 2 && firstPoolBands == 2;
        }

        /** The steps a trained model's contract names; none where it names none. */
        public static Front of(Map<String, Object> training) {
            int[] input = pair(training.get(INPUT_POOL_KEY), 1);
            int[] first = pair(training.get(FIRST_POOL_KEY), 2);
            return new Front(number(training.get(DYNAMIC_RANGE_KEY)), (int) number(training.get(CEPSTRA_KEY)),
                    input[0], input[1], first[0], first[1]);
        }

        public void describe(Map<String, Object> training) {
            training.put(DYNAMIC_RANGE_KEY, dynamicRangeDb);
            training.put(CEPSTRA_KEY, keptCepstra);
            if (poolsInput()) {
                training.put(INPUT_POOL_KEY, List.of(poolFrames, poolBands));
            }
            if (!poolsFirstAsBefore()) {
                training.put(FIRST_POOL_KEY, List.of(firstPoolFrames, firstPoolBands));
            }
        }

        private static int[] pair(Object value, int absent) {
            if (value instanceof List<?> pool && pool.size() == 2) {
                return new int[] {((Number) pool.get(0)).intValue(), ((Number) pool.get(1)).intValue()};
            }
            return new int[] {absent, absent};
        }

        private static double number(Object value) {
            return value instanceof Number n ? n.doubleValue() : 0;
        }
    }

    /** Logits [batch, labels] for log-mel input [batch, frames, mels], with the current {@link Front}. */
    public static Operand<TFloat32> logits(Ops tf, Operand<TFloat32> mel, Map<String, Variable<TFloat32>> vars) {
        return logits(tf, mel, vars, Front.CURRENT);
    }

    /** Logits [batch, labels] for log-mel input [batch, frames, mels]. */
    public static Operand<TFloat32> logits(Ops tf, Operand<TFloat32> mel, Map<String, Variable<TFloat32>> vars,
                                           Front front) {
        Operand<TInt32> allButBatch = tf.constant(new int[] {1, 2});
        if (front.dynamicRangeDb() > 0) {
            // Nothing quieter than the dynamic range below the window's loudest value: a band with no energy at all
            // (a 4 kHz voice upsampled, digital silence) then looks like a quiet one, not like a value far off the
            // scale. The front end's log is ln: 10 log10(e) dB per unit.
            float range = (float) (front.dynamicRangeDb() / (10 * Math.log10(Math.E)));
            Operand<TFloat32> loudest = tf.max(mel, allButBatch, org.tensorflow.op.core.Max.keepDims(true));
            mel = tf.math.maximum(mel, tf.math.sub(loudest, tf.constant(range)));
        }
        Operand<TFloat32> mean = tf.math.mean(mel, allButBatch, Mean.keepDims(true));
        Operand<TFloat32> centred = tf.math.sub(mel, mean);
        Operand<TFloat32> variance = tf.math.mean(tf.math.square(centred), allButBatch, Mean.keepDims(true));
        Operand<TFloat32> x = tf.math.mul(centred, tf.math.rsqrt(tf.math.add(variance, tf.constant(1e-3f))));
        if (front.keptCepstra() > 0) {
            x = smoothSpectrum(tf, x, front.keptCepstra());
        }
        x = tf.expandDims(x, tf.constant(-1));
        if (front.poolsInput()) {
            x = pool(tf, "AvgPool", x, front.poolFrames(), front.poolBands());
        }
        List<Long> ones = List.of(1L, 1L, 1L, 1L);
        for (int i = 0; i < LAYERS; i++) {
            x = tf.nn.conv2d(x, vars.get("conv" + i + "_kernel"), ones, "SAME");
            x = tf.nn.relu(tf.nn.biasAdd(x, vars.get("conv" + i + "_bias")));
            if (i == 0) {
                x = pool(tf, "MaxPool", x, front.firstPoolFrames(), front.firstPoolBands());
            } else if (i < LAYERS - 1) {
                x = pool(tf, "MaxPool", x, 2, 2);
            }
        }
        Operand<TFloat32> pooled = tf.math.mean(x, tf.constant(new int[] {1, 2}));
        return tf.math.add(tf.linalg.matMul(pooled, vars.get("dense_kernel")), vars.get("dense_bias"));
    }

    /**
     * Cepstral smoothing of every frame: a DCT over the mel bands, the first {@code kept} coefficients kept, and
     * back. What is left is the envelope, which says which sound it is; the pitch harmonics and the fine shape of a
     * synthesizer's (or a person's) voice source, which say whose voice it is, are gone. A fixed matrix in the graph,
     * so serving does exactly what training did.
     */
    static Operand<TFloat32> smoothSpectrum(Ops tf, Operand<TFloat32> x, int kept) {
        long frames = x.shape().get(1);
        int bands = (int) x.shape().get(2);
        float[] projection = new float[bands * bands];
        for (int i = 0; i < bands; i++) {
            for (int j = 0; j < bands; j++) {
                double sum = 0;
                for (int k = 0; k < Math.min(kept, bands); k++) {
                    double scale = (k == 0 ? 1.0 : 2.0) / bands;
                    sum += scale * Math.cos(Math.PI * k * (i + 0.5) / bands) * Math.cos(Math.PI * k * (j + 0.5) / bands);
                }
                projection[i * bands + j] = (float) sum;
            }
        }
        Operand<TFloat32> matrix = tf.constant(Shape.of(bands, bands), DataBuffers.of(projection, true, false));
        Operand<TFloat32> rows = tf.reshape(x, tf.constant(new long[] {-1, bands}));
        return tf.reshape(tf.linalg.matMul(rows, matrix), tf.constant(new long[] {-1, frames, bands}));
    }

    /**
     * Pooling over blocks of {@code frames} by {@code bands} as TensorFlow's {@code MaxPool} or {@code AvgPool} op, with
     * the window in attributes. TensorFlow Java's {@code tf.nn.maxPool} builds {@code MaxPoolV2}, whose window is a
     * tensor input: oneDNN does not take that op, so it ran on Eigen's generic kernel and took 13% of inference time
     * in the job; {@code MaxPool} and {@code AvgPool} run on oneDNN.
     */
    static Operand<TFloat32> pool(Ops tf, String op, Operand<TFloat32> x, int frames, int bands) {
        long[] window = {1, frames, bands, 1};
        return tf.scope().opBuilder(op, op)
                .addInput(x.asOutput())
                .setAttr("ksize", window)
                .setAttr("strides", window)
                .setAttr("padding", "SAME")
                .build()
                .<TFloat32>output(0);
    }
}
