package dev.hark.cli;

import dev.hark.audio.FeatureSpec;
import dev.hark.audio.FeatureStream;
import dev.hark.evaluation.SpectrogramImage;
import dev.hark.audio.WavFile;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "features", mixinStandardHelpOptions = true,
        description = {"Compute log-mel (or MFCC) frames of a WAV file exactly as the job does: downmixed to mono,",
                "resampled to --sample-rate, framed with the given parameters. Writes CSV: one row per frame,",
                "one column per band (band 0 = lowest), no header; --png also draws the spectrogram."})
final class FeaturesCommand implements Callable<Integer> {
    @Option(names = "--input", required = true, paramLabel = "IN.wav", description = "WAV file (PCM 8/16/24/32-bit or float, any rate and channels).")
    Path input;

    @Option(names = "--output", required = true, paramLabel = "OUT.csv", description = "CSV to write.")
    Path output;

    @Option(names = "--png", paramLabel = "OUT.png", description = "Also draw the frames as a spectrogram.")
    Path png;

    @picocli.CommandLine.Mixin
    FeatureOptions features;

    @Override
    public Integer call() throws Exception {
        FeatureSpec spec = features.spec();
        if (!Files.isRegularFile(input)) {
            throw new HarkCli.UserError("--input " + input + " is not a file");
        }
        WavFile.Audio audio = WavFile.read(input);
        float[] frames = new FeatureStream(spec).extractAll(audio.samples(), audio.sampleRate());
        int width = spec.featuresPerFrame();
        int count = frames.length / width;
        if (count == 0) {
            throw new HarkCli.UserError(input + " is too short for one frame (" + spec.nFft() + " samples at "
                    + spec.sampleRate() + " Hz)");
        }
        try (BufferedWriter out = Files.newBufferedWriter(output, StandardCharsets.UTF_8)) {
            StringBuilder row = new StringBuilder();
            for (int f = 0; f < count; f++) {
                row.setLength(0);
                for (int b = 0; b < width; b++) {
                    if (b > 0) {
                        row.append(',');
                    }
                    row.append(frames[f * width + b]);
                }
                out.write(row.toString());
                out.newLine();
            }
        }
        if (png != null) {
            SpectrogramImage.write(png, frames, width);
        }
        System.out.printf("%s: %.2f s at %d Hz -> %d frames x %d %s -> %s%s%n", input, audio.seconds(), audio.sampleRate(),
                count, width, spec.nMfcc() > 0 ? "MFCCs" : "log-mel bands", output, png == null ? "" : " and " + png);
        return 0;
    }
}
