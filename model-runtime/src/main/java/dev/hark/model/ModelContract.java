package dev.hark.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.hark.audio.FeatureSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What a served model expects and returns, written beside its SavedModel as {@value #FILE_NAME}. Training writes
 * it; evaluation and the job read it instead of repeating any of it, so they can never disagree.
 *
 * @param format       contract format version, {@value #FORMAT}
 * @param name         model name, carried on every prediction
 * @param version      model version, carried on every prediction
 * @param labels       output labels, in the order of the output tensor's last axis
 * @param features     the log-mel front end the model was trained on
 * @param windowFrames frames per window: the model's input is [batch, windowFrames, features.nMels]
 * @param signature    SavedModel signature key to call
 * @param inputName    name of the signature's input
 * @param outputName   name of the signature's output: [batch, labels.size()] probabilities
 * @param training     a summary of the data and settings the model was trained with
 * @param metrics      measured quality, e.g. held-out accuracy
 * @param inputKind    {@code LOG_MEL}: input [batch, windowFrames, features.featuresPerFrame()] of frames from the
 *                     shared front end (the default); {@code WAVEFORM}: input [batch, windowSamples()] of mono
 *                     samples at features.sampleRate() in [-1, 1] (YAMNet style; the model does its own features)
 * @param outputKind   {@code SOFTMAX}: one label per window, scores sum to 1 (the default); {@code SIGMOID}:
 *                     independent scores per label (multi-label, AudioSet style), each compared to its threshold
 * @param thresholds   the score at or above which each label counts as heard (default 0.5 for every label)
 * @param backgroundLabels labels that stand for no event, such as {@value #UNKNOWN} (another word) and
 *                     {@value #SILENCE}: scored like any other label, but never reported as a detection (default: those
 *                     two, where the model has them)
 */
public record ModelContract(
        String format,
        String name,
        String version,
        List<String> labels,
        FeatureSpec features,
        int windowFrames,
        String signature,
        String inputName,
        String outputName,
        Map<String, Object> training,
        Map<String, Double> metrics,
        InputKind inputKind,
        OutputKind outputKind,
        List<Float> thresholds,
        List<String> backgroundLabels) implements java.io.Serializable {

    /** What the model's input holds. */
    public enum InputKind { LOG_MEL, WAVEFORM }

    /** How the model's scores relate. */
    public enum OutputKind { SOFTMAX, SIGMOID }

    /** The label of words that are none of the model's keywords. */
    public static final String UNKNOWN = "_unknown_";
    /** The label of windows with no speech. */
    public static final String SILENCE = "_silence_";

    public static final String FILE_NAME = "hark-model.json";
    public static final String FORMAT = "hark-model/1";
    // Keys in a fixed order: the same training writes the same file, whatever order its summary map iterates in.
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    public ModelContract {
        if (!FORMAT.equals(format)) {
            throw new IllegalArgumentException("unsupported model contract format '" + format + "', expected " + FORMAT);
        }
        if (labels == null || labels.isEmpty()) {
            throw new IllegalArgumentException("a model contract needs at least one label");
        }
        if (features == null || windowFrames < 1) {
            throw new IllegalArgumentException("a model contract needs features and windowFrames >= 1");
        }
        if (name == null || version == null || signature == null || inputName == null || outputName == null) {
            throw new IllegalArgumentException("name, version, signature, inputName and outputName are required");
        }
        labels = List.copyOf(labels);
        training = training == null ? Map.of() : Map.copyOf(training);
        metrics = metrics == null ? Map.of() : Map.copyOf(metrics);
        inputKind = inputKind == null ? InputKind.LOG_MEL : inputKind;
        outputKind = outputKind == null ? OutputKind.SOFTMAX : outputKind;
        if (thresholds == null) {
            thresholds = java.util.Collections.nCopies(labels.size(), 0.5f);
        } else if (thresholds.size() != labels.size()) {
            throw new IllegalArgumentException("thresholds has " + thresholds.size() + " entries for " + labels.size() + " labels");
        }
        thresholds = List.copyOf(thresholds);
        if (backgroundLabels == null) {
            backgroundLabels = labels.stream().filter(l -> l.equals(UNKNOWN) || l.equals(SILENCE)).toList();
        } else if (!labels.containsAll(backgroundLabels)) {
            throw new IllegalArgumentException("backgroundLabels " + backgroundLabels + " are not all among the labels " + labels);
        }
        backgroundLabels = List.copyOf(backgroundLabels);
    }

    /** A single-label log-mel model: the kind {@code bin/hark train} makes. */
    public static ModelContract logMel(String name, String version, List<String> labels, FeatureSpec features,
                                       int windowFrames, String signature, String inputName, String outputName,
                                       Map<String, Object> training, Map<String, Double> metrics) {
        return new ModelContract(FORMAT, name, version, labels, features, windowFrames, signature, inputName, outputName,
                training, metrics, InputKind.LOG_MEL, OutputKind.SOFTMAX, null, null);
    }

    /** The threshold of each label, by label. */
    public Map<String, Float> thresholdsByLabel() {
        Map<String, Float> byLabel = new java.util.LinkedHashMap<>();
        for (int i = 0; i < labels.size(); i++) {
            byLabel.put(labels.get(i), thresholds.get(i));
        }
        return byLabel;
    }

    /** Values per window in the model's input: frames x features, or samples. */
    public int inputSize() {
        return inputKind == InputKind.WAVEFORM ? (int) windowSamples() : windowFrames * features.featuresPerFrame();
    }

    /** Audio samples covered by one window. */
    public long windowSamples() {
        return features.samplesForFrames(windowFrames);
    }

    public ModelContract withMetrics(Map<String, Double> newMetrics) {
        return new ModelContract(format, name, version, labels, features, windowFrames, signature, inputName,
                outputName, training, newMetrics, inputKind, outputKind, thresholds, backgroundLabels);
    }

    public ModelContract withVersion(String newVersion) {
        return new ModelContract(format, name, newVersion, labels, features, windowFrames, signature, inputName,
                outputName, training, metrics, inputKind, outputKind, thresholds, backgroundLabels);
    }

    public ModelContract withFeatures(FeatureSpec newFeatures) {
        return new ModelContract(format, name, version, labels, newFeatures, windowFrames, signature, inputName,
                outputName, training, metrics, inputKind, outputKind, thresholds, backgroundLabels);
    }

    /** Reads {@code dir/hark-model.json}, explaining what is missing if it cannot. */
    public static ModelContract read(Path modelDir) throws IOException {
        Path file = modelDir.resolve(FILE_NAME);
        if (!Files.isRegularFile(file)) {
            throw new IOException("no model contract at " + file + ": a hark model directory holds a SavedModel"
                    + " and " + FILE_NAME + " (train one with bin/hark train)");
        }
        try (java.io.InputStream in = Files.newInputStream(file)) {
            return parse(in, file.toString());
        }
    }

    /** Parses a contract's JSON; {@code origin} names where it came from, for the error message. */
    public static ModelContract parse(java.io.InputStream json, String origin) throws IOException {
        try {
            return JSON.readValue(json, ModelContract.class);
        } catch (IOException | IllegalArgumentException e) {
            throw new IOException("invalid model contract " + origin + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes {@code hark-model.json} into {@code modelDir} in one step (a temporary file moved into place), so that a
     * job watching the folder never reads half a contract.
     */
    public void write(Path modelDir) throws IOException {
        Files.createDirectories(modelDir);
        Path partial = modelDir.resolve(FILE_NAME + ".part-" + java.util.UUID.randomUUID());
        try {
            JSON.writeValue(partial.toFile(), this);
            Files.move(partial, modelDir.resolve(FILE_NAME), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(partial);
        }
    }
}
