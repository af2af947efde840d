package dev.hark.cli;

import dev.hark.data.DatasetSynthesizer;
import dev.hark.data.MbrolaVoices;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "synth", mixinStandardHelpOptions = true,
        description = "Synthesize a keyword dataset (Speech Commands layout) with espeak-ng and sox, and espeak-ng's MBROLA voices where installed.")
final class SynthCommand implements Callable<Integer> {
    @Option(names = "--out", required = true, description = "Output folder.")
    Path out;

    @Option(names = "--demo-streams", description = "Write the demo's sample streams (WAVs + streams.csv) instead of a dataset.")
    boolean demoStreams;

    @Option(names = "--seed", defaultValue = "1", description = "Random seed; the same seed gives the same dataset (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--variants", defaultValue = "8",
            description = "Speakers per keyword in each training accent, most of them made-up voices (default: ${DEFAULT-VALUE}).")
    int variants;

    @Option(names = "--no-mbrola",
            description = "Leave espeak-ng's MBROLA voices out even where they are installed (bin/install-mbrola): a dataset of its formant voices only.")
    boolean noMbrola;

    @Option(names = "--threads", defaultValue = "2", description = "Parallel synthesis processes (default: ${DEFAULT-VALUE}).")
    int threads;

    @Override
    public Integer call() throws Exception {
        long start = System.nanoTime();
        if (demoStreams) {
            dev.hark.data.DemoStreams.write(out, DatasetSynthesizer.SAMPLE_RATE);
            System.out.println("wrote " + dev.hark.data.DemoStreams.DEFAULT.size() + " demo streams to " + out);
            return 0;
        }
        List<String> mbrola = noMbrola ? List.of() : MbrolaVoices.installed();
        DatasetSynthesizer synthesizer = new DatasetSynthesizer(seed, variants, threads, mbrola); // checks arguments
        if (mbrola.isEmpty()) {
            System.out.println(noMbrola ? "espeak-ng's formant voices only (--no-mbrola)"
                    : "no MBROLA voices installed: espeak-ng's formant voices only. A model trained so knows espeak-ng's"
                    + " rendering of words better than people's; bin/install-mbrola adds "
                    + MbrolaVoices.ALL.size() + " voices made from recordings of people.");
        } else {
            System.out.println("MBROLA voices: " + String.join(" ", mbrola) + " (held out: "
                    + MbrolaVoices.VALIDATION + " for validation, " + MbrolaVoices.TEST + " for testing)");
        }
        int clips = synthesizer.write(out);
        System.out.printf("wrote %d clips to %s in %.1f s%n", clips, out, (System.nanoTime() - start) / 1e9);
        return 0;
    }
}
