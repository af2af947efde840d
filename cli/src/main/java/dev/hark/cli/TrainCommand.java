package dev.hark.cli;

import dev.hark.data.KeywordDataset;
import dev.hark.training.KeywordCnn;
import dev.hark.model.Precision;
import dev.hark.training.Trainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train the keyword CNN on a Speech Commands style dataset and export a SavedModel with its contract.")
final class TrainCommand implements Callable<Integer> {
    @Option(names = "--data", required = true, description = "Dataset folder (bin/hark synth, or Speech Commands v0.02).")
    Path data;

    @Option(names = "--out", required = true, description = "New model folder: SavedModel + hark-model.json.")
    Path out;

    @Option(names = "--replace", description = "--out may hold a model (e.g. the bundled default): it is replaced"
            + " once the new one is trained and exported; until then it stays as it was.")
    boolean replace;

    @Option(names = "--epochs", defaultValue = "30", description = "Maximum epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--seed", defaultValue = "42", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--repeatable", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "One TensorFlow thread, so the same seed gives the same model (default); --no-repeatable"
                    + " gives TensorFlow every core (on 2 cores no faster: the batches are made on a thread of their own).")
    boolean repeatable;

    @Option(names = "--patience", defaultValue = "10",
            description = "Stop after this many epochs without a better validation accuracy (default: ${DEFAULT-VALUE}).")
    int patience;

    @Option(names = "--towers", defaultValue = "1",
            description = "CNNs trained side by side on the same batches, each from its own initial weights; the model"
                    + " averages their log-probabilities (an ensemble in one SavedModel, that many times the work per"
                    + " window; default: ${DEFAULT-VALUE}, at most " + Trainer.MAX_TOWERS + ").")
    int towers;

    @Option(names = "--distill", defaultValue = "1",
            description = "CNNs trained side by side, each from the labels and from their averaged predictions; only the"
                    + " first is exported (an ensemble's training work, one CNN's work per window; default:"
                    + " ${DEFAULT-VALUE}, none; at most " + Trainer.MAX_TOWERS + "; not with --towers).")
    int distill;

    @Option(names = "--channels", split = ",", paramLabel = "C1,C2,C3,C4",
            description = "Channels of each tower's four conv layers (default: 16,32,64,64). Narrower towers train and"
                    + " serve faster: the work per window grows with each layer's input times output channels.")
    List<Integer> channels = KeywordCnn.DEFAULT_CHANNELS;

    @Option(names = "--precision", defaultValue = "auto", paramLabel = "auto|float32|bfloat16",
            description = "What the convolutions and their gradients run in; weights, optimizer and loss stay float32"
                    + " (default: ${DEFAULT-VALUE}: bfloat16 where the CPU has bfloat16 dot products, about 1.3 times as"
                    + " fast there, else float32). The contract records it.")
    String precision;

    @Option(names = "--telephone", defaultValue = "0", paramLabel = "SHARE",
            description = "Share of training windows, of every label, heard through a random telephone line: 8 kHz,"
                    + " a 100-400 Hz high-pass, mu-law on half (default: ${DEFAULT-VALUE}, none). Speech recorded from"
                    + " people is mostly 8 kHz prompts; this keeps \"sounds like a phone\" from meaning _unknown_.")
    double telephone;

    @Option(names = "--input-pool", split = ",", paramLabel = "FRAMES,BANDS",
            description = "Average each log-mel window over blocks of FRAMES frames by BANDS mel bands before the conv"
                    + " layers (default: 1,1, none). 2,2 gives every layer a quarter of the positions: about a quarter"
                    + " of the work per window, in training and serving alike. The contract records it.")
    List<Integer> inputPool = List.of(1, 1);

    @Option(names = "--first-pool", split = ",", paramLabel = "FRAMES,BANDS",
            description = "Max-pool the first conv layer's output over blocks of FRAMES frames by BANDS mel bands"
                    + " (default: 2,2, as after every layer but the last). 4,4 lets the first layer see every frame and"
                    + " band, and gives the three others a quarter of the positions. The contract records it.")
    List<Integer> firstPool = List.of(2, 2);

    @Option(names = "--name", defaultValue = "keywords", description = "Model name in the contract (default: ${DEFAULT-VALUE}).")
    String name;

    @Option(names = "--model-version", defaultValue = "1", description = "Model version in the contract (default: ${DEFAULT-VALUE}).")
    String version;

    @Override
    public Integer call() throws Exception {
        if (towers < 1 || towers > Trainer.MAX_TOWERS) {
            throw new IllegalArgumentException("--towers must be 1 to " + Trainer.MAX_TOWERS + ", got " + towers
                    + " (2 averages two CNNs at twice the training and inference work)");
        }
        if (distill < 1 || distill > Trainer.MAX_TOWERS || (distill > 1 && towers > 1)) {
            throw new IllegalArgumentException("--distill must be 1 to " + Trainer.MAX_TOWERS + " and, above 1, comes"
                    + " with --towers 1 (it exports one CNN taught by the others), got --distill " + distill
                    + " --towers " + towers);
        }
        if (channels.size() != KeywordCnn.DEFAULT_CHANNELS.size() || channels.stream().anyMatch(c -> c < 1)) {
            throw new IllegalArgumentException("--channels takes " + KeywordCnn.DEFAULT_CHANNELS.size()
                    + " positive numbers, one per conv layer (e.g. 16,32,64,64), got " + channels);
        }
        if (!(telephone >= 0 && telephone <= 1)) {
            throw new IllegalArgumentException("--telephone is a share of windows, 0 to 1 (e.g. 0.3), got " + telephone);
        }
        if (inputPool.size() != 2 || inputPool.stream().anyMatch(p -> p < 1)) {
            throw new IllegalArgumentException("--input-pool takes two positive numbers, frames and mel bands per block"
                    + " (e.g. 2,2; 1,1 is none), got " + inputPool);
        }
        if (firstPool.size() != 2 || firstPool.stream().anyMatch(p -> p < 1)) {
            throw new IllegalArgumentException("--first-pool takes two positive numbers, frames and mel bands per block"
                    + " (e.g. 4,4; 2,2 is the default), got " + firstPool);
        }
        boolean replacing = Trainer.holdsSavedModel(out);
        if (replacing && !replace) {
            throw new IllegalArgumentException("--out " + out + " already holds a SavedModel: choose a new folder, or add"
                    + " --replace to replace that model once the new one is trained");
        }
        Trainer.Config defaults = Trainer.Config.defaults();
        Trainer.Config config = new Trainer.Config(name, version, epochs, defaults.batchSize(), defaults.learningRate(),
                patience, seed, repeatable, towers, channels, Precision.of(precision), distill, telephone,
                KeywordCnn.Front.CURRENT.withInputPool(inputPool.get(0), inputPool.get(1))
                        .withFirstPool(firstPool.get(0), firstPool.get(1)));
        KeywordDataset dataset = KeywordDataset.load(data, Trainer.SPEECH_COMMANDS_LABELS, 16000, seed);
        System.out.printf("loaded %d clips (%d train, %d validation, %d test)%n", dataset.examples().size(),
                dataset.split(KeywordDataset.Split.TRAIN).size(), dataset.split(KeywordDataset.Split.VALIDATION).size(),
                dataset.split(KeywordDataset.Split.TEST).size());
        long start = System.nanoTime();
        Trainer.Outcome outcome;
        if (replacing) {
            // Trained beside the old model (same file system), which is swapped out only once the new one is whole.
            Path staging = Files.createTempDirectory(out.toAbsolutePath().getParent(), ".hark-train-");
            try {
                Path fresh = staging.resolve("model");
                outcome = new Trainer(Trainer.SPEECH_COMMANDS_LABELS, config).train(dataset, fresh, System.out::println);
                ModelFolders.delete(out);
                Files.move(fresh, out);
            } finally {
                ModelFolders.delete(staging);
            }
        } else {
            outcome = new Trainer(Trainer.SPEECH_COMMANDS_LABELS, config).train(dataset, out, System.out::println);
        }
        System.out.printf("trained in %.1f s; test accuracy %.3f on %d held-out clips; model in %s%n",
                (System.nanoTime() - start) / 1e9, outcome.test().accuracy(), outcome.test().total(), out);
        return 0;
    }
}
