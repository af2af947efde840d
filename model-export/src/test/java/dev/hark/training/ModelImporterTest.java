package dev.hark.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hark.model.AudioClassifier;
import dev.hark.model.ModelContract;
import dev.hark.audio.FeatureSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.family.TNumber;

/**
 * SavedModels hark did not train, exported here through TensorFlow Java with names of their own, wrapped by the
 * importer: a log-mel CNN (softmax) and a YAMNet-like waveform model with 521 sigmoid outputs and AudioSet-style
 * labels; and the disagreements it must name.
 */
class ModelImporterTest {
    private static final FeatureSpec FEATURES = FeatureSpec.DEFAULT;

    /** Exports a one-input, one-output model under the given names; {@code body} builds the output from the input. */
    private static <T extends TNumber> void export(Path dir, Class<T> type, Shape inputShape, String inputName,
                                                   String outputName, BiFunction<Ops, Operand<T>, Operand<?>> body)
            throws Exception {
        try (Graph graph = new Graph()) {
            Ops tf = Ops.create(graph);
            Placeholder<T> input = tf.withName(inputName).placeholder(type, Placeholder.shape(inputShape));
            Operand<?> output = body.apply(tf, input);
            try (Session session = new Session(graph)) {
                session.initialize();
                SavedModelBundle.exporter(dir.toString()).withSession(session).withSignature(Signature.builder()
                        .key(Signature.DEFAULT_KEY).methodName("tensorflow/serving/predict")
                        .input(inputName, input).output(outputName, output).build()).export();
            }
        }
    }

    /** A small CNN over [batch, 20 frames, mels]: conv 3x3 (4 filters), ReLU, mean over time and frequency, dense, softmax. */
    private static void exportLogMelCnn(Path dir) throws Exception {
        export(dir, TFloat32.class, Shape.of(-1, 20, FEATURES.nMels()), "spectrogram", "class_probs", (tf, x) -> {
            Ops init = tf.withInitScope();
            Variable<TFloat32> filter = init.variable(init.random.truncatedNormal(init.constant(new int[] {3, 3, 1, 4}),
                    TFloat32.class));
            Variable<TFloat32> dense = init.variable(init.random.truncatedNormal(init.constant(new int[] {4, 3}),
                    TFloat32.class));
            Operand<TFloat32> image = tf.expandDims(x, tf.constant(3));
            Operand<TFloat32> conv = tf.nn.relu(tf.nn.conv2d(image, filter, List.of(1L, 1L, 1L, 1L), "SAME"));
            Operand<TFloat32> pooled = tf.math.mean(conv, tf.constant(new int[] {1, 2}));
            return tf.withName("class_probs").nn.softmax(tf.linalg.matMul(pooled, dense));
        });
    }

    /** [batch, samples] to 521 sigmoid scores of the window's energy, AudioSet style. */
    private static void exportWaveformTagger(Path dir, long samples) throws Exception {
        export(dir, TFloat32.class, Shape.of(-1, samples), "waveform", "predictions", (tf, x) -> {
            Ops init = tf.withInitScope();
            float[][] w = new float[1][521];
            for (int i = 0; i < 521; i++) {
                w[0][i] = (i % 7) - 3f;
            }
            Variable<TFloat32> weights = init.variable(init.constant(w));
            Operand<TFloat32> energy = tf.math.mean(tf.math.square(x), tf.constant(new int[] {1}),
                    org.tensorflow.op.math.Mean.keepDims(true));
            return tf.withName("predictions").math.sigmoid(tf.linalg.matMul(energy, weights));
        });
    }

    private static Path audioSetLabels(Path dir, int count) throws Exception {
        List<String> lines = new ArrayList<>(List.of("index,mid,display_name"));
        for (int i = 0; i < count; i++) {
            lines.add(i + ",/m/0" + i + ",\"Sound " + i + ", loud\"");
        }
        Path file = dir.resolve("class_labels_indices.csv");
        Files.write(file, lines);
        return file;
    }

    @Test
    void wrapsALogMelCnnItDidNotTrain(@TempDir Path dir) throws Exception {
        Path model = dir.resolve("cnn");
        exportLogMelCnn(model);
        Files.writeString(dir.resolve("labels.txt"), "dog\ncat\n\nbird\n");
        ModelContract contract = ModelImporter.importModel(new ModelImporter.Request(model, "pets", "7",
                ModelImporter.readLabels(dir.resolve("labels.txt")), FEATURES, Signature.DEFAULT_KEY, null));
        assertEquals(List.of("dog", "cat", "bird"), contract.labels());
        assertEquals(ModelContract.InputKind.LOG_MEL, contract.inputKind());
        assertEquals(ModelContract.OutputKind.SOFTMAX, contract.outputKind(), "found from the test batch");
        assertEquals(20, contract.windowFrames());
        assertEquals("spectrogram", contract.inputName());
        assertEquals("class_probs", contract.outputName());
        assertEquals(contract, ModelContract.read(model), "the contract is written beside the model");
        try (AudioClassifier classifier = new AudioClassifier(model, 0, 0).open()) {
            float[][] scores = classifier.classify(new float[2 * classifier.windowSize()], 2);
            assertEquals(3, scores[1].length);
        }
    }

    @Test
    void wrapsAYamnetLikeWaveformTaggerWithAudioSetLabels(@TempDir Path dir) throws Exception {
        Path model = dir.resolve("tagger");
        long samples = FEATURES.samplesForFrames(96);
        exportWaveformTagger(model, samples);
        List<String> labels = ModelImporter.readLabels(audioSetLabels(dir, 521));
        assertEquals("Sound 7, loud", labels.get(7), "quoted display names with commas");
        ModelContract contract = ModelImporter.importModel(new ModelImporter.Request(model, "tagger", "1", labels,
                FEATURES, Signature.DEFAULT_KEY, null));
        assertEquals(ModelContract.InputKind.WAVEFORM, contract.inputKind());
        assertEquals(ModelContract.OutputKind.SIGMOID, contract.outputKind(), "rows do not sum to one");
        assertEquals(96, contract.windowFrames());
        assertEquals(samples, contract.windowSamples());
        assertEquals(521, contract.labels().size());
    }

    @Test
    void namesWhatDisagrees(@TempDir Path dir) throws Exception {
        Path tagger = dir.resolve("tagger");
        exportWaveformTagger(tagger, FEATURES.samplesForFrames(96));
        ModelImporter.ImportException count = assertThrows(ModelImporter.ImportException.class, () ->
                ModelImporter.importModel(new ModelImporter.Request(tagger, "t", "1",
                        ModelImporter.readLabels(audioSetLabels(dir, 520)), FEATURES, Signature.DEFAULT_KEY, null)));
        assertTrue(count.getMessage().contains("521 scores for 520 labels"), count.getMessage());
        assertFalse(Files.exists(tagger.resolve(ModelContract.FILE_NAME)), "nothing written");

        Path yamnet = dir.resolve("yamnet-length"); // YAMNet's own 15,600 samples: no 512/160 window spans that
        exportWaveformTagger(yamnet, 15_600);
        ModelImporter.ImportException shape = assertThrows(ModelImporter.ImportException.class, () ->
                ModelImporter.importModel(new ModelImporter.Request(yamnet, "t", "1",
                        ModelImporter.readLabels(audioSetLabels(dir, 521)), FEATURES, Signature.DEFAULT_KEY, null)));
        assertTrue(shape.getMessage().contains("takes 15600 samples, which no window fits"), shape.getMessage());
        assertTrue(shape.getMessage().contains("15552 (k=95) or 15712 (k=96)"), shape.getMessage());

        Path doubles = dir.resolve("doubles");
        export(doubles, TFloat64.class, Shape.of(-1, 20, FEATURES.nMels()), "x", "y",
                (tf, x) -> tf.withName("y").math.mean(x, tf.constant(new int[] {1})));
        ModelImporter.ImportException dtype = assertThrows(ModelImporter.ImportException.class, () ->
                ModelImporter.importModel(new ModelImporter.Request(doubles, "d", "1", List.of("a"), FEATURES,
                        Signature.DEFAULT_KEY, null)));
        assertTrue(dtype.getMessage().contains("input x is DT_DOUBLE; hark feeds and reads float32"), dtype.getMessage());

        Path cnn = dir.resolve("cnn");
        exportLogMelCnn(cnn);
        ModelImporter.ImportException mels = assertThrows(ModelImporter.ImportException.class, () ->
                ModelImporter.importModel(new ModelImporter.Request(cnn, "c", "1", List.of("a", "b", "c"),
                        new FeatureSpec(16000, 512, 400, 160, 64, 20.0, 7600.0, FEATURES.melScale(), FEATURES.melNorm(), 1e-6, 0), Signature.DEFAULT_KEY, null)));
        assertTrue(mels.getMessage().contains("takes 40 values per frame, but the features give 64"), mels.getMessage());
    }
}
