package dev.hark.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.SessionFunction;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;

/**
 * Serves a hark model: owns the {@link SavedModelBundle}, opened in {@link #open()} and closed in {@link #close()},
 * and scores batches of log-mel windows through the signature its contract names. Not thread-safe: one per task.
 */
public final class AudioClassifier implements AutoCloseable {
    /**
     * Inter-op threads for serving: every op runs in the thread that calls {@link #classify}. TensorFlow's pools are
     * process-wide (the first session sets them), so a pool of one thread would be shared by every classifier of a
     * TaskManager and serialise their calls (BENCHMARKS.md, "Inference").
     */
    public static final int CALLER_THREAD = -1;
    private final Path modelDir;
    private final int intraOpThreads;
    private final int interOpThreads;
    private final Precision precision;
    private final BundleLoader loader;
    private ModelContract contract;
    private SavedModelBundle bundle;
    private SessionFunction function;

    /**
     * @param intraOpThreads TensorFlow threads inside one op (0 = TensorFlow's default: all cores)
     * @param interOpThreads TensorFlow threads across ops (0 = TensorFlow's default, {@link #CALLER_THREAD} = none)
     */
    public AudioClassifier(Path modelDir, int intraOpThreads, int interOpThreads) {
        this(modelDir, intraOpThreads, interOpThreads, Precision.FLOAT32);
    }

    /** As above, running the model's CPU ops in {@code precision}. */
    public AudioClassifier(Path modelDir, int intraOpThreads, int interOpThreads, Precision precision) {
        this(modelDir, intraOpThreads, interOpThreads, precision, (dir, config) -> SavedModelBundle.loader(dir.toString())
                .withTags(SavedModelBundle.DEFAULT_TAG).withConfigProto(config).load());
    }

    /** How the SavedModel is loaded; tests pass one that keeps the bundles, to check they are closed. */
    interface BundleLoader {
        SavedModelBundle load(Path modelDir, ConfigProto config);
    }

    AudioClassifier(Path modelDir, int intraOpThreads, int interOpThreads, BundleLoader loader) {
        this(modelDir, intraOpThreads, interOpThreads, Precision.FLOAT32, loader);
    }

    AudioClassifier(Path modelDir, int intraOpThreads, int interOpThreads, Precision precision, BundleLoader loader) {
        this.modelDir = modelDir;
        this.precision = precision.resolve();
        this.intraOpThreads = intraOpThreads;
        this.interOpThreads = interOpThreads;
        this.loader = loader;
    }

    /** Reads the contract and loads the SavedModel; if anything fails, closes what it had opened. */
    public AudioClassifier open() throws IOException {
        if (bundle != null) {
            throw new IllegalStateException("already open");
        }
        ModelContract read = ModelContract.read(modelDir);
        if (!Files.isRegularFile(modelDir.resolve("saved_model.pb"))) {
            throw new IOException("no saved_model.pb in " + modelDir);
        }
        OneDnn.reportOnce();
        ConfigProto config = TensorFlowDevices.sessionConfig(intraOpThreads, interOpThreads, precision);
        SavedModelBundle loaded = loader.load(modelDir, config);
        try {
            SessionFunction served = signature(loaded, read);
            contract = read;
            function = served;
            bundle = loaded;
            return this;
        } catch (IOException | RuntimeException e) {
            loaded.close();
            throw e;
        }
    }

    /** The function the contract names, if the SavedModel has it with the contract's input and output. */
    private static SessionFunction signature(SavedModelBundle bundle, ModelContract contract) throws IOException {
        if (!bundle.signatures().stream().anyMatch(s -> s.key().equals(contract.signature()))) {
            throw new IOException("the SavedModel has no signature '" + contract.signature() + "' (it has "
                    + bundle.signatures().stream().map(org.tensorflow.Signature::key).toList() + "), but the contract names it");
        }
        SessionFunction function = bundle.function(contract.signature());
        var signature = function.signature();
        if (!signature.inputNames().contains(contract.inputName())
                || !signature.outputNames().contains(contract.outputName())) {
            throw new IOException("the SavedModel's signature '" + contract.signature() + "' has inputs "
                    + signature.inputNames() + " and outputs " + signature.outputNames() + ", but the contract names "
                    + contract.inputName() + " -> " + contract.outputName());
        }
        return function;
    }

    /**
     * Runs the model on zero-filled batches of each size before it takes traffic: TensorFlow prepares its kernels
     * and buffers on a session's first calls, which would otherwise delay the first real windows by hundreds of
     * milliseconds.
     *
     * @return how long each batch size took, in nanoseconds, in the order given
     */
    public long[] warmUp(int... batchSizes) {
        requireOpen();
        long[] nanos = new long[batchSizes.length];
        for (int i = 0; i < batchSizes.length; i++) {
            int batch = batchSizes[i];
            if (batch < 1) {
                throw new IllegalArgumentException("a warm-up batch needs at least one window, got " + batch);
            }
            long start = System.nanoTime();
            classify(new float[batch * windowSize()], batch);
            nanos[i] = System.nanoTime() - start;
        }
        return nanos;
    }

    /** Whether the model is loaded (between a successful {@link #open()} and {@link #close()}). */
    public boolean isOpen() {
        return bundle != null;
    }

    public ModelContract contract() {
        requireOpen();
        return contract;
    }

    /** The precision the model runs in on this machine ({@link Precision#AUTO} resolved). */
    public Precision precision() {
        return precision;
    }

    /** Floats in one window of input: frames x features for log-mel models, samples for waveform models. */
    public int windowSize() {
        requireOpen();
        return contract.inputSize();
    }

    /**
     * Scores {@code batch} windows laid out one after another in {@code windows} ([batch][frames][mels]).
     *
     * @return scores [batch][labels]
     */
    public float[][] classify(float[] windows, int batch) {
        requireOpen();
        int size = windowSize();
        if (batch < 1 || windows.length < batch * size) {
            throw new IllegalArgumentException("need " + batch + " windows of " + size + " floats, got " + windows.length + " floats");
        }
        int labels = contract.labels().size();
        float[] flat = new float[batch * labels];
        Shape shape = contract.inputKind() == ModelContract.InputKind.WAVEFORM
                ? Shape.of(batch, size)
                : Shape.of(batch, contract.windowFrames(), contract.features().featuresPerFrame());
        try (TFloat32 input = TFloat32.tensorOf(shape, DataBuffers.of(windows, true, false).narrow(batch * (long) size));
             Result result = function.call(Map.of(contract.inputName(), input))) {
            Tensor output = result.get(contract.outputName()).orElseThrow(() ->
                    new IllegalStateException("model returned no '" + contract.outputName() + "'"));
            TFloat32 scores = (TFloat32) output;
            if (scores.shape().size(0) != batch || scores.shape().size(1) != labels) {
                throw new IllegalStateException("model output shape " + scores.shape() + " does not match ["
                        + batch + ", " + labels + "]");
            }
            scores.copyTo(DataBuffers.of(flat, false, false));
        }
        float[][] out = new float[batch][];
        for (int b = 0; b < batch; b++) {
            out[b] = java.util.Arrays.copyOfRange(flat, b * labels, (b + 1) * labels);
        }
        return out;
    }

    private void requireOpen() {
        if (bundle == null) {
            throw new IllegalStateException("classifier for " + modelDir + " is not open");
        }
    }

    @Override
    public void close() {
        if (bundle != null) {
            bundle.close();
            bundle = null;
            function = null;
            contract = null;
        }
    }

    /** Index of the largest score: the label a window is classified as. */
    public static int argMax(float[] scores) {
        int best = 0;
        for (int i = 1; i < scores.length; i++) {
            if (scores[i] > scores[best]) {
                best = i;
            }
        }
        return best;
    }
}
