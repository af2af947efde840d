package dev.hark.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hark.evaluation.Evaluation;
import dev.hark.model.AudioClassifier;
import dev.hark.model.ModelContract;
import dev.hark.model.TinyModels;
import dev.hark.data.KeywordDataset;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract's other kinds of model, each exported as a tiny real SavedModel and served through it: a
 * multi-label (sigmoid) model that takes raw waveform (YAMNet style) instead of log-mel frames.
 */
class TinyModelsTest {
    private static float[] tone(int n, double amplitude) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (amplitude * Math.sin(i * 0.2));
        }
        return x;
    }

    @Test
    void servesAMultiLabelWaveformModelThroughItsContract(@TempDir Path dir) throws Exception {
        ModelContract contract = TinyModels.exportLoudnessModel(dir);
        int samples = (int) contract.windowSamples();
        try (AudioClassifier classifier = new AudioClassifier(dir, 1, 1).open()) {
            assertEquals(samples, classifier.windowSize());
            assertEquals(List.of(0.5f, 0.6f), classifier.contract().thresholds());
            float[] input = new float[2 * samples];
            System.arraycopy(tone(samples, 0.5), 0, input, 0, samples); // window 0 loud, window 1 silent
            float[][] scores = classifier.classify(input, 2);
            assertTrue(scores[0][0] > 0.99 && scores[0][1] < 0.02, java.util.Arrays.toString(scores[0]));
            assertTrue(scores[1][0] < 0.5 && scores[1][1] > 0.6, java.util.Arrays.toString(scores[1]));
            // Sigmoid scores are independent: they need not sum to one.
            assertEquals(1 / (1 + Math.exp(1)) + 1 / (1 + Math.exp(-2)), scores[1][0] + scores[1][1], 1e-5);
        }
        List<KeywordDataset.Example> clips = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            clips.add(new KeywordDataset.Example("loud", KeywordDataset.Split.TEST, tone(16000, 0.4 + 0.1 * i), "l" + i));
            clips.add(new KeywordDataset.Example("quiet", KeywordDataset.Split.TEST, new float[16000], "q" + i));
        }
        Evaluation evaluation = Trainer.evaluate(dir, clips);
        assertEquals(8, evaluation.total());
        assertEquals(1.0, evaluation.accuracy());
    }
}
