package dev.hark.cli;

import dev.hark.data.KeywordDataset;
import dev.hark.data.RecordedSpeech;
import dev.hark.model.ModelContract;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "recorded", mixinStandardHelpOptions = true,
        description = {"Add speech recorded from people, none of it a keyword, to a training set as _unknown_ clips: "
                + "asterisk's French, Italian and Russian prompts (three speakers at 8 kHz) and Hedgewars' English voice "
                + "packs, resampled by hark's front end and cut into one-second pieces. No speaker of `bin/hark realspeech` "
                + "is among them. Run it after `bin/hark synth --out DIR`; it replaces what an earlier run added."})
final class RecordedCommand implements Callable<Integer> {
    @Option(names = "--into", required = true, paramLabel = "DIR", description = "The training set (bin/hark synth's --out).")
    Path into;

    @Mixin
    VocabularyModel vocabulary;

    @Override
    public Integer call() throws Exception {
        if (!Files.isDirectory(into)) {
            throw new HarkCli.UserError("training set " + into + " does not exist; make it first: bin/hark synth --out " + into);
        }
        ModelContract contract = vocabulary.contract();
        RecordedSpeech.Sources sources = RecordedSpeech.Sources.debian();
        if (sources.whatIsMissing() != null) {
            throw new HarkCli.UserError(sources.whatIsMissing());
        }
        List<RecordedSpeech.Clip> clips = new RecordedSpeech(sources, contract.features().sampleRate(),
                VocabularyModel.keywordsOf(contract)).writeInto(into);
        java.util.Map<KeywordDataset.Split, Long> splits = clips.stream().collect(java.util.stream.Collectors.groupingBy(
                RecordedSpeech.Clip::split, () -> new java.util.EnumMap<>(KeywordDataset.Split.class),
                java.util.stream.Collectors.counting()));
        long speakers = clips.stream().map(RecordedSpeech.Clip::speaker).distinct().count();
        System.out.printf("wrote %d clips of recorded speech (%d speakers or voice packs) to %s: %d for training, "
                        + "%d for validation, %d for the test split%n", clips.size(), speakers,
                into.resolve(RecordedSpeech.FOLDER), splits.getOrDefault(KeywordDataset.Split.TRAIN, 0L),
                splits.getOrDefault(KeywordDataset.Split.VALIDATION, 0L), splits.getOrDefault(KeywordDataset.Split.TEST, 0L));
        return 0;
    }
}
