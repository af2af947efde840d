package dev.hark.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Parity with torchaudio 0.13.1 (float64 reference) on the golden signals; tolerances from golden/README.md. */
class LogMelExtractorTest {

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "sine440_1000, htk", "sine440_1000, htk_slaneynorm", "sine440_1000, slaney",
        "noise_seed1234, htk", "noise_seed1234, htk_slaneynorm", "noise_seed1234, slaney",
        "silence, htk", "silence, htk_slaneynorm", "silence, slaney"})
    void matchesTorchaudio(String signal, String variant) throws Exception {
        double[][] reference = Golden.csv("logmel_" + signal + "_" + variant + "_f64.csv");
        WavFile.Audio audio = Golden.wav(signal + ".wav");
        FeatureSpec spec = Golden.spec(variant);
        float[] frames = new LogMelExtractor(spec).extract(audio.samples());

        assertEquals(97, spec.frameCount(audio.samples().length));
        assertEquals(reference.length * spec.nMels(), frames.length);
        double worst = 0;
        for (int i = 0; i < reference.length; i++) {
            for (int m = 0; m < spec.nMels(); m++) {
                double ref = reference[i][m];
                double delta = Math.abs(frames[i * spec.nMels() + m] - ref);
                worst = Math.max(worst, delta);
                assertTrue(delta <= 2e-3, "frame " + i + " band " + m + ": " + frames[i * spec.nMels() + m] + " vs " + ref);
                if (ref > -10) {
                    assertTrue(delta <= 5e-4, "frame " + i + " band " + m + " (strong): off by " + delta);
                }
            }
        }
        assertTrue(worst < 2e-3, "worst difference " + worst);
    }

    @ParameterizedTest
    @CsvSource({"htk", "htk_slaneynorm", "slaney"})
    void filterbankMatchesTorchaudio(String variant) throws Exception {
        double[][] reference = Golden.csv("fb_" + variant + "_f64.csv");
        MelFilterbank fb = new MelFilterbank(Golden.spec(variant));
        for (int k = 0; k < reference.length; k++) {
            for (int m = 0; m < reference[k].length; m++) {
                assertEquals(reference[k][m], fb.weight(k, m), 1e-9, "bin " + k + " band " + m);
            }
        }
    }
}
