package dev.hark.cli;

import dev.hark.audio.FeatureSpec;
import dev.hark.audio.FeatureStream;
import dev.hark.audio.MelNorm;
import dev.hark.audio.MelScale;
import dev.hark.audio.SpectrogramImage;
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

    @Option(names = "--sample-rate", defaultValue = "16000", description = "Rate to resample to (default: ${DEFAULT-VALUE}).")
    int sampleRate;

    @Option(names = "--n-fft", defaultValue = "512", description = "FFT size, a power of two (default: ${DEFAULT-VALUE}).")
    int nFft;

    @Option(names = "--win-length", defaultValue = "400", description = "Hann window length, centred in the FFT frame (default: ${DEFAULT-VALUE}).")
    int winLength;

    @Option(names = "--hop-length", defaultValue = "160", description = "Samples between frame starts (default: ${DEFAULT-VALUE}).")
    int hopLength;

    @Option(names = "--n-mels", defaultValue = "40", description = "Mel bands (default: ${DEFAULT-VALUE}).")
    int nMels;

    @Option(names = "--f-min", defaultValue = "20", description = "Lowest mel frequency in Hz (default: ${DEFAULT-VALUE}).")
    double fMin;

    @Option(names = "--f-max", defaultValue = "7600", description = "Highest mel frequency in Hz (default: ${DEFAULT-VALUE}).")
    double fMax;

    @Option(names = "--mel-scale", defaultValue = "htk", description = "htk or slaney (default: ${DEFAULT-VALUE}).")
    MelScale melScale;

    @Option(names = "--mel-norm", defaultValue = "none", description = "none or slaney (default: ${DEFAULT-VALUE}).")
    MelNorm melNorm;

    @Option(names = "--mfcc", defaultValue = "0", description = "Write this many MFCCs (DCT-II, ortho) instead of log-mel; 0 = log-mel (default).")
    int mfcc;

    @Override
    public Integer call() throws Exception {
        FeatureSpec spec = new FeatureSpec(sampleRate, nFft, winLength, hopLength, nMels, fMin, fMax, melScale, melNorm,
                FeatureSpec.DEFAULT.logOffset(), mfcc);
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
                count, width, mfcc > 0 ? "MFCCs" : "log-mel bands", output, png == null ? "" : " and " + png);
        return 0;
    }
}
