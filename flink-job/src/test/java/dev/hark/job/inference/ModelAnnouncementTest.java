package dev.hark.job.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hark.audio.LogMelExtractor;
import dev.hark.avro.ModelAnnouncement;
import dev.hark.avro.Prediction;
import dev.hark.job.features.FeatureWindow;
import dev.hark.model.ModelContract;
import dev.hark.model.ModelVersions;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.TwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The inference operator's second input: models announced on the control topic. */
class ModelAnnouncementTest {
    static final Path MODEL = ModelVersions.BUNDLED;

    private final ModelContract contract = read();

    private static ModelContract read() {
        try {
            return ModelContract.read(MODEL);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private FeatureWindow window(int index) {
        float[] audio = new float[16000];
        for (int i = 0; i < audio.length; i++) {
            audio[i] = (float) (0.1 * Math.sin(i * (0.01 + 0.02 * index)));
        }
        return new FeatureWindow("s", index, 1000L * index, 1000L * index + 992,
                new LogMelExtractor(contract.features()).extract(audio), 0);
    }

    private static ModelAnnouncement announce(String location, String expectedVersion, long at) {
        return ModelAnnouncement.newBuilder().setLocation(location).setExpectedVersion(expectedVersion)
                .setAnnouncedAt(Instant.ofEpochMilli(at)).setAnnouncedBy("test").build();
    }

    private TwoInputStreamOperatorTestHarness<FeatureWindow, ModelAnnouncement, Prediction> harness() throws Exception {
        TwoInputStreamOperatorTestHarness<FeatureWindow, ModelAnnouncement, Prediction> h =
                new TwoInputStreamOperatorTestHarness<>(new BatchInferenceOperator(BatchInferenceOperatorTest.settings(MODEL.toString(), contract, 1, 0, 1000)));
        h.setProcessingTime(0);
        return h;
    }

    /** The model version of the prediction for one window sent now. */
    private String versionNow(TwoInputStreamOperatorTestHarness<FeatureWindow, ModelAnnouncement, Prediction> h, int index)
            throws Exception {
        h.processElement1(new StreamRecord<>(window(index), index));
        List<Prediction> out = h.extractOutputValues();
        return out.get(out.size() - 1).getModelVersion();
    }

    @Test
    void switchesToAnnouncedModelsRejectsBadOnesAndKeepsTheAnnouncementAcrossARestore(@TempDir Path root) throws Exception {
        String bundled = contract.version();
        Path broken = ModelVersions.addBroken(root, "broken");
        Path five = ModelVersions.add(root.resolve("single"), "5");
        OperatorSubtaskState snapshot;
        try (var h = harness()) {
            h.open();
            assertEquals(bundled, versionNow(h, 0));

            h.processElement2(new StreamRecord<>(announce(broken.toString(), null, 1)));
            BatchInferenceOperatorTest.runNextMail(h);
            assertEquals(bundled, versionNow(h, 1), "a broken model is rejected, the old one stays");
            h.processElement2(new StreamRecord<>(announce(root.resolve("nowhere").toString(), null, 2)));
            BatchInferenceOperatorTest.runNextMail(h);
            assertEquals(bundled, versionNow(h, 2), "a location that does not exist is rejected");
            h.processElement2(new StreamRecord<>(announce(five.toString(), "6", 3)));
            BatchInferenceOperatorTest.runNextMail(h);
            assertEquals(bundled, versionNow(h, 3), "a model that is not the expected version is rejected");

            h.processElement2(new StreamRecord<>(announce(five.toUri().toString(), "5", 4)));
            BatchInferenceOperatorTest.runNextMail(h);
            assertEquals("5", versionNow(h, 4), "switched to the announced model (read through a file:// URI)");
            snapshot = h.snapshot(1, 10);
        }
        try (var restored = harness()) {
            restored.initializeState(snapshot);
            restored.open();
            assertEquals("5", versionNow(restored, 5), "a restored job serves the announced model again");
        }
        try (var fresh = harness()) {
            fresh.open();
            assertEquals(bundled, versionNow(fresh, 6), "without the state, the configured model");
        }
        // Restored into a job that now serves another kind of model (a waveform one): the announced log-mel model no
        // longer fits, and the job serves its configured model.
        Path loudness = root.resolve("loudness");
        ModelContract waveform = dev.hark.model.TinyModels.exportLoudnessModel(loudness);
        try (var changed = new TwoInputStreamOperatorTestHarness<FeatureWindow, ModelAnnouncement, Prediction>(
                new BatchInferenceOperator(new InferenceSettings(ModelLocation.parse(loudness.toString()), waveform, 2, 1, 1, 0, 1000)))) {
            changed.initializeState(snapshot);
            changed.open();
            float[] samples = new float[waveform.inputSize()];
            changed.processElement1(new StreamRecord<>(new FeatureWindow("s", 0, 0, 122, samples, 0), 0));
            assertEquals("loudness", changed.extractOutputValues().get(0).getModelName());
        }
    }

    @Test
    void anAnnouncedModelRootIsWatchedForNewerVersions(@TempDir Path root) throws Exception {
        ModelVersions.add(root, "7");
        try (var h = harness()) {
            h.open();
            BatchInferenceOperatorTest.pollAt(h, 1000); // a poll of the configured folder: nothing to do
            h.processElement2(new StreamRecord<>(announce(root.toString(), null, 1)));
            BatchInferenceOperatorTest.runNextMail(h);
            assertEquals("7", versionNow(h, 0), "the root's newest version");
            ModelVersions.add(root, "8");
            BatchInferenceOperatorTest.pollAt(h, 2000);
            assertEquals("8", versionNow(h, 1), "a newer version under the announced root, at the next poll");
        }
    }

    @Test
    void anAnnouncementStillBeingCheckedAtACheckpointIsCheckedOnRestoreBeforeAnyWindow(@TempDir Path root) throws Exception {
        Path five = ModelVersions.add(root, "5");
        OperatorSubtaskState snapshot;
        try (var h = harness()) {
            h.open();
            h.processElement2(new StreamRecord<>(announce(five.toString(), "5", 1)));
            snapshot = h.snapshot(1, 10); // before the supplier's answer has been taken
        }
        try (var restored = harness()) {
            restored.initializeState(snapshot);
            restored.open();
            assertEquals("5", versionNow(restored, 0), "checked in open(), before any window");
            assertEquals(0, restored.getTaskMailbox().size(), "nothing left to check");
            OperatorSubtaskState after = restored.snapshot(2, 20);
            try (var again = harness()) {
                again.initializeState(after);
                again.open();
                assertEquals("5", versionNow(again, 2), "served, from the state");
            }
        }
    }

    @Test
    void eventTimeComesFromTheWindowsAlone() throws Exception {
        try (var h = new TwoInputStreamOperatorTestHarness<FeatureWindow, ModelAnnouncement, Prediction>(
                new BatchInferenceOperator(BatchInferenceOperatorTest.settings(MODEL.toString(), contract, 2, 50, 0)))) {
            h.setProcessingTime(0);
            h.open();
            h.processWatermark1(new Watermark(100));
            h.processWatermark2(new Watermark(5)); // the control input's watermark holds nothing back
            h.processWatermark1(new Watermark(200));
            assertEquals(List.of("W100", "W200"), BatchInferenceOperatorTest.sequence(h.getOutput()));
            // A window waits for its batch: a watermark on the windows' input waits with it.
            h.processElement1(new StreamRecord<>(window(0), 300));
            h.processWatermark1(new Watermark(400));
            h.processWatermark2(new Watermark(Long.MAX_VALUE)); // the control topic ends: no effect
            assertEquals(List.of("W100", "W200"), BatchInferenceOperatorTest.sequence(h.getOutput()));
            h.setProcessingTime(50);
            assertEquals(List.of("W100", "W200", "P300", "W400"), BatchInferenceOperatorTest.sequence(h.getOutput()));
        }
    }
}
