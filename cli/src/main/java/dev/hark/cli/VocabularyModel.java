package dev.hark.cli;

import dev.hark.data.RealSpeechSet;
import dev.hark.model.ModelContract;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import picocli.CommandLine.Option;

/**
 * {@code --model} of the commands that build clips from Debian's recorded speech ({@code realspeech},
 * {@code recorded}): the model whose sample rate the clips get and whose keywords they must leave out or hold.
 */
final class VocabularyModel {
    @Option(names = "--model", paramLabel = "DIR",
            description = "The model whose sample rate and keywords the clips follow (default: the bundled model).")
    Path model;

    Path location() {
        return model == null ? JobOptions.bundledModel() : model;
    }

    ModelContract contract() throws IOException {
        return ModelContract.read(location());
    }

    /** The vocabulary's keywords and the digits, whether this model knows them or not: the sets are the same for all. */
    static Set<String> keywordsOf(ModelContract contract) {
        Set<String> keywords = new HashSet<>(contract.labels());
        keywords.removeAll(contract.backgroundLabels());
        keywords.addAll(RealSpeechSet.DIGITS);
        return keywords;
    }
}
