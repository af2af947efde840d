package dev.hark.audio;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Reads the torchaudio reference files copied from shared/golden (see golden/README.md in test resources). */
final class Golden {
    private Golden() {
    }

    static double[][] csv(String name) throws IOException {
        try (InputStream in = Golden.class.getResourceAsStream("/golden/" + name)) {
            if (in == null) {
                throw new IOException("missing test resource golden/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .filter(l -> !l.isBlank())
                    .map(l -> Arrays.stream(l.split(",")).mapToDouble(Double::parseDouble).toArray())
                    .toArray(double[][]::new);
        }
    }

    static WavFile.Audio wav(String name) throws IOException {
        try (InputStream in = Golden.class.getResourceAsStream("/golden/" + name)) {
            return WavFile.read(new java.io.BufferedInputStream(in), name);
        }
    }

    static FeatureSpec spec(String variant) {
        return switch (variant) {
            case "htk" -> FeatureSpec.DEFAULT;
            case "htk_slaneynorm" -> new FeatureSpec(16000, 512, 400, 160, 40, 20, 7600, MelScale.HTK, MelNorm.SLANEY, 1e-6, 0);
            case "slaney" -> new FeatureSpec(16000, 512, 400, 160, 40, 20, 7600, MelScale.SLANEY, MelNorm.SLANEY, 1e-6, 0);
            default -> throw new IllegalArgumentException(variant);
        };
    }
}
