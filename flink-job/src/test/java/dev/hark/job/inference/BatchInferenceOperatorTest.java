package dev.hark.job.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hark.audio.LogMelExtractor;
import dev.hark.avro.Prediction;
import dev.hark.job.features.FeatureWindow;
import dev.hark.model.AudioClassifier;
import dev.hark.model.ModelContract;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class BatchInferenceOperatorTest {
    static final Path MODEL = Path.of("..", "model-export", "models", "keywords");

    private static FeatureWindow window(int index, ModelContract contract) {
        float[] audio = new float[16000];
        Random random = new Random(index);
        for (int i = 0; i < audio.length; i++) {
            audio[i] = (float) (0.1 * Math.sin(i * (0.01 + 0.02 * index)) + 0.01 * random.nextGaussian());
        }
        float[] frames = new LogMelExtractor(contract.features()).extract(audio);
        return new FeatureWindow("s" + index % 2, index, 1000L * index, 1000L * index + 992, frames, 0);
    }

    private static List<Prediction> outputs(OneInputStreamOperatorTestHarness<FeatureWindow, Prediction> h) {
        return h.extractOutputValues();
    }

    @Test
    void batchesBySizeOrDelayAndNeverHoldsWindowsOverACheckpoint() throws Exception {
        ModelContract contract = ModelContract.read(MODEL);
        BatchInferenceOperator operator = new BatchInferenceOperator(MODEL.toString(), 12, 1, 3, 50);
        try (OneInputStreamOperatorTestHarness<FeatureWindow, Prediction> h = new OneInputStreamOperatorTestHarness<>(operator)) {
            h.open();
            h.setProcessingTime(0);
            h.processElement(window(0, contract), 10);
            h.processElement(window(1, contract), 11);
            assertEquals(0, outputs(h).size(), "waits for a fuller batch");
            h.setProcessingTime(49);
            assertEquals(0, outputs(h).size());
            h.setProcessingTime(50);
            assertEquals(2, outputs(h).size(), "the delay is up");
            assertEquals(2, outputs(h).get(0).getTimings().getBatchSize());

            h.processElement(window(2, contract), 12);
            h.processElement(window(3, contract), 13);
            h.processElement(window(4, contract), 14);
            assertEquals(5, outputs(h).size(), "a full batch goes at once");
            assertEquals(3, outputs(h).get(4).getTimings().getBatchSize());

            h.processElement(window(5, contract), 15);
            h.prepareSnapshotPreBarrier(1);
            assertEquals(6, outputs(h).size(), "nothing waits across a checkpoint barrier");

            h.processElement(window(6, contract), 16);
            h.endInput();
            List<Prediction> all = outputs(h);
            assertEquals(7, all.size(), "nothing is left at the end of input");
            for (int i = 0; i < all.size(); i++) {
                assertEquals(i, all.get(i).getWindowIndex(), "arrival order");
            }
            assertEquals(List.of(10L, 11L, 12L, 13L, 14L, 15L, 16L),
                    h.getOutput().stream().filter(o -> o instanceof org.apache.flink.streaming.runtime.streamrecord.StreamRecord)
                            .map(o -> ((org.apache.flink.streaming.runtime.streamrecord.StreamRecord<?>) o).getTimestamp()).toList());

            // Scores in a batch equal scores one window at a time.
            try (AudioClassifier single = new AudioClassifier(MODEL, 1, 1).open()) {
                for (int i = 0; i < all.size(); i++) {
                    float[] alone = single.classify(window(i, contract).frames, 1)[0];
                    Prediction p = all.get(i);
                    String top = p.getTop().get(0).getLabel();
                    assertEquals(alone[contract.labels().indexOf(top)], p.getTop().get(0).getScore(), 1e-5);
                }
            }
        }
    }
}
