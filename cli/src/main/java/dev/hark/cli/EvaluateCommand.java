package dev.hark.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.hark.data.KeywordDataset;
import dev.hark.data.TelephoneChannel;
import dev.hark.evaluation.Evaluation;
import dev.hark.evaluation.FalseAccepts;
import dev.hark.model.ModelContract;
import dev.hark.model.Precision;
import dev.hark.evaluation.PredictionsCsv;
import dev.hark.training.Trainer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = {"Score a model on a labelled dataset (Speech Commands layout, or a CSV of path,label) through",
                "its contract: accuracy, per-label precision/recall/F1, the confusion matrix, accuracy per voice (speaker),",
                "and the clips it got most confidently wrong."})
final class EvaluateCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Model folder (SavedModel + hark-model.json).")
    Path model;

    @Option(names = "--data", required = true, paramLabel = "DIR|CSV",
            description = "Dataset folder (Speech Commands layout, including its test set's: _silence_/ and _unknown_/"
                    + " folders), or a CSV of path,label, scored whole.")
    Path data;

    @Option(names = "--split", defaultValue = "test",
            description = "test, validation, train or all (default: ${DEFAULT-VALUE}; all when the dataset has no test list).")
    String split;

    @Option(names = "--json", paramLabel = "OUT.json", description = "Also write accuracy, per_label and confusion as JSON.")
    Path json;

    @Option(names = "--predictions", paramLabel = "OUT.csv",
            description = "Also write one CSV row per clip: source, voice, actual, predicted, confidence and every label's score.")
    Path predictions;

    @Option(names = "--precision", defaultValue = "auto", paramLabel = "auto|float32|bfloat16",
            description = "What the model's convolutions run in, as in the job's hark.inference.precision (default:"
                    + " ${DEFAULT-VALUE}: bfloat16 where the CPU has bfloat16 dot products, else float32).")
    String precision;

    @Option(names = "--telephone",
            description = "Hear every clip through a telephone line first (8 kHz, the 300 Hz voice-band edge, mu-law):"
                    + " how the model does on phone calls.")
    boolean telephone;

    @Option(names = "--seed", defaultValue = "1", description = "Seed for padding and silence clips (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws Exception {
        requireWritable("--json", json);
        requireWritable("--predictions", predictions);
        Precision runIn = Precision.of(precision).resolve();
        ModelContract contract = ModelContract.read(model);
        KeywordDataset dataset = KeywordDataset.load(data, contract.labels(), contract.features().sampleRate(), seed,
                KeywordDataset.Use.EVALUATION);
        List<KeywordDataset.Example> clips = switch (split) {
            case "all" -> dataset.examples();
            case "test", "validation", "train" -> dataset.split(KeywordDataset.Split.valueOf(split.toUpperCase(java.util.Locale.ROOT)));
            default -> throw new HarkCli.UserError("--split must be test, validation, train or all, got " + split);
        };
        if (clips.isEmpty() && split.equals("test")) {
            clips = dataset.examples();
            split = "all";
        }
        if (clips.isEmpty()) {
            throw new HarkCli.UserError("no clips in the " + split + " split of " + data);
        }
        if (telephone) {
            TelephoneChannel line = new TelephoneChannel(contract.features().sampleRate());
            clips = clips.stream().map(c -> new KeywordDataset.Example(c.label(), c.split(), line.apply(c.samples()),
                    c.source())).toList();
        }
        Evaluation evaluation;
        FalseAccepts falseAccepts = new FalseAccepts(contract);
        if (predictions == null) {
            evaluation = Trainer.evaluate(model, clips, dataset::voiceOf,
                    (clip, scores) -> falseAccepts.add(clip.label(), scores), runIn);
        } else {
            try (PredictionsCsv rows = new PredictionsCsv(predictions, contract.labels(), dataset::voiceOf)) {
                evaluation = Trainer.evaluate(model, clips, dataset::voiceOf, (clip, scores) -> {
                    falseAccepts.add(clip.label(), scores);
                    rows.add(clip, scores);
                }, runIn);
            }
        }
        System.out.printf("%s v%s on %s (%s split, %s%s)%n%n", contract.name(), contract.version(), data, split,
                runIn.key(), telephone ? ", through a telephone line" : "");
        System.out.print(evaluation.toText());
        System.out.print(falseAccepts.toText());
        if (json != null) {
            Map<String, Object> out = new java.util.LinkedHashMap<>(evaluation.toJson());
            if (falseAccepts.clipsWithoutKeyword() > 0) {
                out.put("false_accepts", Map.of("count", falseAccepts.count(), "clips_without_keyword",
                        falseAccepts.clipsWithoutKeyword(), "rate", falseAccepts.rate(), "by_keyword", falseAccepts.byKeyword()));
            }
            out.put("model", Map.of("name", contract.name(), "version", contract.version()));
            out.put("split", split);
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), out);
            System.out.println("\nwrote " + json);
        }
        if (predictions != null) {
            System.out.println("wrote " + predictions + " (" + evaluation.total() + " clips)");
        }
        return 0;
    }

    /** Says so before scoring, not after, when an output file's folder is missing. */
    private static void requireWritable(String option, Path file) {
        if (file == null) {
            return;
        }
        Path folder = file.toAbsolutePath().getParent();
        if (folder != null && !java.nio.file.Files.isDirectory(folder)) {
            throw new HarkCli.UserError(option + " " + file + ": the folder " + folder
                    + " does not exist; create it or choose another path");
        }
    }
}
