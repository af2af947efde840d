package dev.hark.job.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hark.avro.Prediction;
import dev.hark.job.features.FeatureWindow;
import dev.hark.job.testing.SlowFileSystem;
import dev.hark.model.ModelContract;
import dev.hark.model.ModelVersions;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model location that answers slowly (here: a listing held up until the test lets it go) holds up neither the
 * predictions of running streams nor a checkpoint: model I/O runs on the model supplier's thread. With model I/O on
 * the task's thread, the poll below would block the test's thread for good, and the time-out fail it.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class SlowModelLocationTest {
    @AfterEach
    void letGo() {
        SlowFileSystem.release();
    }

    @Test
    void aSlowModelLocationDelaysNeitherPredictionsNorACheckpoint(@TempDir Path root) throws Exception {
        ModelContract contract = ModelContract.read(ModelVersions.BUNDLED);
        ModelVersions.add(root, "1");
        String location = SlowFileSystem.uriOf(root);
        try (OneInputStreamOperatorTestHarness<FeatureWindow, Prediction> h = new OneInputStreamOperatorTestHarness<>(
                new BatchInferenceOperator(BatchInferenceOperatorTest.settings(location, contract, 1, 0, 1000)))) {
            h.setProcessingTime(0);
            h.open();
            ModelVersions.add(root, "2");
            SlowFileSystem.hold();
            h.setProcessingTime(1000); // the poll: the supplier starts listing the root
            SlowFileSystem.awaitHeld();

            // While the listing hangs, windows are scored and a checkpoint is taken, on the task's thread.
            h.processElement(BatchInferenceOperatorTest.window(0, contract), 1);
            h.processElement(BatchInferenceOperatorTest.window(1, contract), 2);
            h.prepareSnapshotPreBarrier(1);
            h.snapshot(1, 1500);
            h.notifyOfCompletedCheckpoint(1);
            assertEquals(List.of("1", "1"), h.extractOutputValues().stream().map(Prediction::getModelVersion).toList());
            assertEquals(0, h.getTaskMailbox().size(), "no model handed over yet");

            SlowFileSystem.release();
            BatchInferenceOperatorTest.runNextMail(h); // version 2, listed, mirrored, loaded and warmed up
            h.processElement(BatchInferenceOperatorTest.window(2, contract), 3);
            assertEquals("2", h.extractOutputValues().get(2).getModelVersion(), "served once ready");
        }
    }
}
