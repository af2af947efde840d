package dev.hark.cli;

import dev.hark.data.DatasetSynthesizer;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "synth", mixinStandardHelpOptions = true,
        description = "Synthesize a keyword dataset (Speech Commands layout) with espeak-ng and sox.")
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
        int clips = new DatasetSynthesizer(seed, variants, threads).write(out);
        System.out.printf("wrote %d clips to %s in %.1f s%n", clips, out, (System.nanoTime() - start) / 1e9);
        return 0;
    }
}
