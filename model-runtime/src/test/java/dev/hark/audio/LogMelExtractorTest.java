package dev.hark.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Parity with torchaudio 0.13.1 (float64 reference) on the golden signals; tolerances from golden/README.md. */
class LogMelExtractorTest {

    @ParameterizedTest(name = "{0} {1} simd={2}")
    @CsvSource({
        "sine440_1000, htk, true", "sine440_1000, htk_slaneynorm, true", "sine440_1000, slaney, true",
        "noise_seed1234, htk, true", "noise_seed1234, htk_slaneynorm, true", "noise_seed1234, slaney, true",
        "silence, htk, true", "silence, htk_slaneynorm, true", "silence, slaney, true",
        "sine440_1000, htk, false", "sine440_1000, htk_slaneynorm, false", "sine440_1000, slaney, false",
        "noise_seed1234, htk, false", "noise_seed1234, htk_slaneynorm, false", "noise_seed1234, slaney, false",
        "silence, htk, false", "silence, htk_slaneynorm, false", "silence, slaney, false"})
    void matchesTorchaudio(String signal, String variant, String simd) throws Exception {
        double[][] reference = Golden.csv("logmel_" + signal + "_" + variant + "_f64.csv");
        WavFile.Audio audio = Golden.wav(signal + ".wav");
        FeatureSpec spec = Golden.spec(variant);
        LogMelExtractor extractor = new LogMelExtractor(spec, simd);
        assertEquals(simd.equals("true"), extractor.engine().startsWith("simd"), extractor.engine());
        float[] frames = extractor.extract(audio.samples());

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
