package dev.hark.cli;

import dev.hark.audio.FeatureSpec;
import dev.hark.audio.MelNorm;
import dev.hark.audio.MelScale;
import picocli.CommandLine.Option;

/** The front end's parameters as options, for the commands that compute features or describe a model's. */
final class FeatureOptions {
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

    /** The front end these options describe. */
    FeatureSpec spec() {
        return new FeatureSpec(sampleRate, nFft, winLength, hopLength, nMels, fMin, fMax, melScale, melNorm,
                FeatureSpec.DEFAULT.logOffset(), mfcc);
    }
}
