package dev.hark.model;

import dev.hark.audio.FeatureSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.op.math.Mean;
import org.tensorflow.types.TFloat32;

/** Tiny real SavedModels of the contract's other kinds, for tests here and in flink-job (test-jar). */
public final class TinyModels {
    /** Frames per window: the waveform model's input is the samples those frames span (1952 at 16 kHz). */
    public static final int WINDOW_FRAMES = 10;

    private TinyModels() {
    }

    /**
     * A multi-label waveform model (YAMNet style input): scores = sigmoid(energy * [50, -50] + [-1, 2]), where
     * energy is the window's mean square; "loud" when the window has energy, "quiet" otherwise.
     */
    public static ModelContract exportLoudnessModel(Path dir) throws Exception {
        ModelContract contract = new ModelContract(ModelContract.FORMAT, "loudness", "0", List.of("loud", "quiet"),
                FeatureSpec.DEFAULT, WINDOW_FRAMES, Signature.DEFAULT_KEY, "audio", "scores", Map.of(), Map.of(),
                ModelContract.InputKind.WAVEFORM, ModelContract.OutputKind.SIGMOID, List.of(0.5f, 0.6f), List.of("quiet"));
        try (Graph graph = new Graph()) {
            Ops tf = Ops.create(graph);
            Placeholder<TFloat32> audio = tf.withName("audio").placeholder(TFloat32.class,
                    Placeholder.shape(Shape.of(-1, contract.windowSamples())));
            Ops init = tf.withInitScope();
            Variable<TFloat32> w = init.variable(init.constant(new float[][] {{50f, -50f}}));
            Variable<TFloat32> b = init.variable(init.constant(new float[] {-1f, 2f}));
            Operand<TFloat32> energy = tf.math.mean(tf.math.square(audio), tf.constant(new int[] {1}), Mean.keepDims(true));
            Operand<TFloat32> scores = tf.withName("scores").math.sigmoid(tf.math.add(tf.linalg.matMul(energy, w), b));
            try (Session session = new Session(graph)) {
                session.initialize();
                SavedModelBundle.exporter(dir.toString()).withSession(session).withSignature(Signature.builder()
                        .key(Signature.DEFAULT_KEY).methodName("tensorflow/serving/predict")
                        .input("audio", audio).output("scores", scores).build()).export();
            }
        }
        contract.write(dir);
        return contract;
    }
}
