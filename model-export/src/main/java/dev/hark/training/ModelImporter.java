package dev.hark.training;

import dev.hark.model.AudioClassifier;
import dev.hark.model.ModelContract;
import dev.hark.audio.FeatureSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.DataType;

/**
 * Wraps a SavedModel that hark did not train for serving: reads its serving signature, takes the labels and the
 * feature parameters, works out the input (log-mel frames [batch, frames, mels] or samples [batch, samples]) and
 * writes the contract ({@code hark-model.json}) beside it, then scores a test batch through the contract. Where the
 * model and what is given disagree (label count, a shape no window fits, a dtype), it says so and writes nothing.
 */
public final class ModelImporter {
    private ModelImporter() {
    }

    /** Why a model cannot be imported as asked; the message says what disagrees and what to do. */
    public static final class ImportException extends Exception {
        public ImportException(String message) {
            super(message);
        }
    }

    /**
     * What to import.
     *
     * @param modelDir   the SavedModel's folder; the contract is written into it
     * @param labels     the labels, in the order of the model's scores
     * @param features   the front end a log-mel model expects, or the rate (and frame grid) of a waveform model
     * @param signature  the serving signature's key
     * @param outputKind SOFTMAX or SIGMOID; null: from the test batch (rows summing to 1 are softmax)
     */
    public record Request(Path modelDir, String name, String version, List<String> labels, FeatureSpec features,
                          String signature, ModelContract.OutputKind outputKind) {
    }

    /** Labels from a text file (one a line) or an AudioSet-style {@code class_labels_indices.csv}. */
    public static List<String> readLabels(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                .filter(l -> !l.isBlank()).toList();
        if (!lines.isEmpty() && lines.get(0).trim().equalsIgnoreCase("index,mid,display_name")) {
            Map<Integer, String> byIndex = new TreeMap<>();
            for (String line : lines.subList(1, lines.size())) {
                String[] cells = line.split(",", 3);
                if (cells.length < 3) {
                    throw new IOException(file + ": expected index,mid,display_name, got '" + line + "'");
                }
                String display = cells[2].trim();
                if (display.length() >= 2 && display.startsWith("\"") && display.endsWith("\"")) {
                    display = display.substring(1, display.length() - 1).replace("\"\"", "\"");
                }
                byIndex.put(Integer.parseInt(cells[0].trim()), display);
            }
            return List.copyOf(byIndex.values());
        }
        return lines.stream().map(String::trim).toList();
    }

    public static ModelContract importModel(Request request) throws ImportException, IOException {
        Signature signature;
        try (SavedModelBundle bundle = SavedModelBundle.load(request.modelDir().toString(), SavedModelBundle.DEFAULT_TAG)) {
            signature = bundle.signatures().stream().filter(s -> s.key().equals(request.signature())).findFirst()
                    .orElseThrow(() -> new ImportException("the SavedModel has no signature '" + request.signature()
                            + "'; it has " + bundle.signatures().stream().map(Signature::key).toList()));
        } catch (org.tensorflow.exceptions.TensorFlowException e) {
            throw new ImportException("not a SavedModel that TensorFlow can load (tag 'serve'): " + request.modelDir()
                    + ": " + e.getMessage());
        }
        Map.Entry<String, Signature.TensorDescription> input = single(signature.getInputs(), "input");
        Map.Entry<String, Signature.TensorDescription> output = single(signature.getOutputs(), "output");
        requireFloat(input, "input");
        requireFloat(output, "output");
        Shape in = input.getValue().shape;
        Shape out = output.getValue().shape;
        FeatureSpec features = request.features();
        ModelContract.InputKind inputKind;
        int windowFrames;
        if (in.numDimensions() == 3) {
            inputKind = ModelContract.InputKind.LOG_MEL;
            if (in.size(1) < 1 || in.size(2) < 1) {
                throw new ImportException("input " + input.getKey() + " has shape " + in + ": hark needs a fixed number"
                        + " of frames and mel bands, [batch, frames, mels]");
            }
            if (in.size(2) != features.featuresPerFrame()) {
                throw new ImportException("input " + input.getKey() + " takes " + in.size(2) + " values per frame, but"
                        + " the features give " + features.featuresPerFrame() + " (n_mels " + features.nMels()
                        + "): set the feature parameters the model was trained with");
            }
            windowFrames = (int) in.size(1);
        } else if (in.numDimensions() == 2) {
            inputKind = ModelContract.InputKind.WAVEFORM;
            long samples = in.size(1);
            if (samples < features.nFft() || (samples - features.nFft()) % features.hopLength() != 0) {
                long below = Math.max(1, (samples - features.nFft()) / features.hopLength() + 1);
                throw new ImportException("input " + input.getKey() + " takes " + samples + " samples, which no window"
                        + " fits: with n_fft " + features.nFft() + " and hop " + features.hopLength() + " a window of k"
                        + " frames spans n_fft + hop * (k - 1) samples: " + features.samplesForFrames((int) below)
                        + " (k=" + below + ") or " + features.samplesForFrames((int) below + 1) + " (k=" + (below + 1)
                        + "); choose n_fft and hop so that one is " + samples);
            }
            windowFrames = (int) ((samples - features.nFft()) / features.hopLength() + 1);
        } else {
            throw new ImportException("input " + input.getKey() + " has shape " + in + "; hark feeds [batch, frames,"
                    + " mels] (log-mel) or [batch, samples] (waveform)");
        }
        if (out.numDimensions() != 2 || out.size(1) != request.labels().size()) {
            throw new ImportException("output " + output.getKey() + " has shape " + out + ": "
                    + (out.numDimensions() == 2 ? out.size(1) + " scores" : "not [batch, scores]") + " for "
                    + request.labels().size() + " labels; give one label per score, in the model's order");
        }
        ModelContract.OutputKind outputKind = request.outputKind();
        ModelContract draft = contract(request, inputKind, outputKind == null ? ModelContract.OutputKind.SOFTMAX
                : outputKind, windowFrames, input.getKey(), output.getKey());
        draft.write(request.modelDir());
        float[][] scores;
        try {
            scores = testBatch(request.modelDir(), draft);
        } catch (RuntimeException e) {
            Files.deleteIfExists(request.modelDir().resolve(ModelContract.FILE_NAME));
            throw new ImportException("the model did not score a test batch through the contract: " + e.getMessage());
        }
        if (outputKind == null) {
            outputKind = rowsSumToOne(scores) ? ModelContract.OutputKind.SOFTMAX : ModelContract.OutputKind.SIGMOID;
            ModelContract contract = contract(request, inputKind, outputKind, windowFrames, input.getKey(), output.getKey());
            contract.write(request.modelDir());
            return contract;
        }
        return draft;
    }

    private static ModelContract contract(Request r, ModelContract.InputKind inputKind, ModelContract.OutputKind outputKind,
                                          int windowFrames, String inputName, String outputName) {
        return new ModelContract(ModelContract.FORMAT, r.name(), r.version(), r.labels(), r.features(), windowFrames,
                r.signature(), inputName, outputName, Map.of("imported", "bin/hark import-model"), Map.of(), inputKind,
                outputKind, null, null);
    }

    /** Scores four windows of noise through the contract, as the job would. */
    private static float[][] testBatch(Path modelDir, ModelContract contract) throws IOException {
        try (AudioClassifier classifier = new AudioClassifier(modelDir, 0, 0).open()) {
            int size = classifier.windowSize();
            float[] windows = new float[4 * size];
            Random random = new Random(1);
            for (int i = 0; i < windows.length; i++) {
                windows[i] = (float) (0.1 * random.nextGaussian());
            }
            return classifier.classify(windows, 4);
        }
    }

    private static boolean rowsSumToOne(float[][] scores) {
        for (float[] row : scores) {
            double sum = 0;
            for (float v : row) {
                sum += v;
            }
            if (Math.abs(sum - 1) > 1e-3) {
                return false;
            }
        }
        return true;
    }

    private static Map.Entry<String, Signature.TensorDescription> single(Map<String, Signature.TensorDescription> tensors,
                                                                         String what) throws ImportException {
        if (tensors.size() != 1) {
            throw new ImportException("the signature has " + tensors.size() + " " + what + "s " + new ArrayList<>(
                    tensors.keySet()) + "; hark serves models of one " + what);
        }
        return tensors.entrySet().iterator().next();
    }

    private static void requireFloat(Map.Entry<String, Signature.TensorDescription> tensor, String what)
            throws ImportException {
        if (tensor.getValue().dataType != DataType.DT_FLOAT) {
            throw new ImportException(what + " " + tensor.getKey() + " is " + tensor.getValue().dataType
                    + "; hark feeds and reads float32 (DT_FLOAT)");
        }
    }
}
