package dev.hark.cli;

import dev.hark.model.ModelContract;
import dev.hark.training.ModelImporter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "import-model", mixinStandardHelpOptions = true,
        description = {"Wrap a SavedModel that hark did not train for serving: reads its serving signature (input and",
                "output names, dtypes, shapes), takes the labels and the front end's parameters, scores a test batch,",
                "and writes the contract (hark-model.json) into the model's folder. Log-mel models take",
                "[batch, frames, mels], waveform models [batch, samples]; both float32."})
final class ImportModelCommand implements Callable<Integer> {
    @Option(names = "--saved-model", required = true, paramLabel = "DIR", description = "The SavedModel's folder (tag 'serve').")
    Path savedModel;

    @Option(names = "--labels", required = true, paramLabel = "FILE",
            description = "The labels in the order of the model's scores: a text file, one a line, or an AudioSet-style"
                    + " class_labels_indices.csv (index,mid,display_name).")
    Path labels;

    @Option(names = "--name", description = "The model's name (default: the folder's name).")
    String name;

    @Option(names = "--model-version", defaultValue = "1", paramLabel = "V", description = "Its version (default: ${DEFAULT-VALUE}).")
    String version;

    @Option(names = "--signature", defaultValue = "serving_default", description = "The serving signature (default: ${DEFAULT-VALUE}).")
    String signature;

    @Option(names = "--output-kind", paramLabel = "SOFTMAX|SIGMOID",
            description = "One label per window (SOFTMAX) or several (SIGMOID); default: from the test batch, whose rows"
                    + " sum to 1 for a softmax.")
    ModelContract.OutputKind outputKind;

    @Mixin
    FeatureOptions features;

    @Override
    public Integer call() throws Exception {
        if (!Files.isDirectory(savedModel)) {
            throw new HarkCli.UserError("--saved-model " + savedModel + " is not a folder");
        }
        if (!Files.isRegularFile(labels)) {
            throw new HarkCli.UserError("--labels " + labels + " is not a file");
        }
        List<String> labelList = ModelImporter.readLabels(labels);
        String modelName = name != null ? name : savedModel.toAbsolutePath().normalize().getFileName().toString();
        ModelContract contract;
        try {
            contract = ModelImporter.importModel(new ModelImporter.Request(savedModel, modelName, version, labelList,
                    features.spec(), signature, outputKind));
        } catch (ModelImporter.ImportException e) {
            throw new HarkCli.UserError("cannot import " + savedModel + ": " + e.getMessage());
        }
        System.out.printf("%s v%s: %s %s -> %s (%d labels, %s); %d frames a window (%.3f s); wrote %s%n",
                contract.name(), contract.version(), contract.inputKind(), contract.inputName(), contract.outputName(),
                contract.labels().size(), contract.outputKind(), contract.windowFrames(),
                contract.windowSamples() / (double) contract.features().sampleRate(),
                savedModel.resolve(ModelContract.FILE_NAME));
        System.out.println("serve it with --model " + savedModel);
        return 0;
    }
}
