package dev.hark.cli;

import dev.hark.data.KeywordDataset;
import dev.hark.data.RealSpeechSet;
import dev.hark.model.ModelContract;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "realspeech", mixinStandardHelpOptions = true,
        description = {"Build an evaluation set of real recorded speech from Debian's asterisk-core-sounds-en-wav (one "
                + "speaker at 8 kHz: the digits zero to nine, and letters, NATO words and prompts without a keyword) and "
                + "pocketsphinx-testdata (read sentences without a keyword), resampled to the model's rate by hark's front "
                + "end. Score it with: bin/hark evaluate --model DIR --data OUT/realspeech.csv (or digits.csv, no-keyword.csv)."})
final class RealSpeechCommand implements Callable<Integer> {
    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder.")
    Path out;

    @Mixin
    VocabularyModel vocabulary;

    @Override
    public Integer call() throws Exception {
        ModelContract contract = vocabulary.contract();
        RealSpeechSet.Sources sources = RealSpeechSet.Sources.debian();
        if (sources.whatIsMissing() != null) {
            throw new HarkCli.UserError(sources.whatIsMissing());
        }
        List<RealSpeechSet.Clip> clips = new RealSpeechSet(sources, contract.features().sampleRate(), VocabularyModel.keywordsOf(contract))
                .write(out);
        long digits = clips.stream().filter(c -> !c.label().equals(KeywordDataset.UNKNOWN)).count();
        System.out.printf("wrote %d clips to %s: %d digits (one speaker), %d clips of speech without a keyword%n",
                clips.size(), out, digits, clips.size() - digits);
        System.out.printf("score them: bin/hark evaluate --model %s --data %s%n", vocabulary.location(), out.resolve("realspeech.csv"));
        return 0;
    }
}
