package dev.hark.job.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hark.audio.LogMelExtractor;
import dev.hark.avro.Prediction;
import dev.hark.job.features.FeatureWindow;
import dev.hark.model.AudioClassifier;
import dev.hark.model.ModelContract;
import dev.hark.model.ModelVersions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class BatchInferenceOperatorTest {
    static final Path MODEL = ModelVersions.BUNDLED;

    /** 12 labels per prediction, one TensorFlow thread, batches of {@code batch} or after {@code delay} ms. */
    static InferenceSettings settings(String location, ModelContract contract, int batch, long delayMillis, long pollMillis) {
        return new InferenceSettings(ModelLocation.parse(location), contract, 12, 1, batch, delayMillis, pollMillis);
    }

    static FeatureWindow window(int index, ModelContract contract) {
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
        BatchInferenceOperator operator = new BatchInferenceOperator(settings(MODEL.toString(), contract, 3, 50, 0));
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

    /** Fails if a prediction comes after a watermark at or past its timestamp: downstream it would be late. */
    static void assertNoPredictionBehindAWatermark(Iterable<Object> output) {
        long watermark = Long.MIN_VALUE;
        for (Object o : output) {
            if (o instanceof Watermark w) {
                watermark = Math.max(watermark, w.getTimestamp());
            } else if (o instanceof StreamRecord<?> r) {
                assertTrue(r.getTimestamp() > watermark, "prediction at " + r.getTimestamp()
                        + " emitted behind watermark " + watermark + ": " + output);
            }
        }
    }

    /** The output as P(timestamp), W(timestamp) and status names, in order. */
    static List<String> sequence(Iterable<Object> output) {
        List<String> seen = new ArrayList<>();
        for (Object o : output) {
            if (o instanceof Watermark w) {
                seen.add("W" + w.getTimestamp());
            } else if (o instanceof StreamRecord<?> r) {
                seen.add("P" + r.getTimestamp());
            } else if (o instanceof WatermarkStatus status) {
                seen.add(status.isIdle() ? "IDLE" : "ACTIVE");
            }
        }
        return seen;
    }

    @Test
    void aWatermarkIsForwardedOnlyAfterTheWindowsWaitingBeforeIt() throws Exception {
        ModelContract contract = ModelContract.read(MODEL);
        try (OneInputStreamOperatorTestHarness<FeatureWindow, Prediction> h = new OneInputStreamOperatorTestHarness<>(
                new BatchInferenceOperator(settings(MODEL.toString(), contract, 3, 50, 0)))) {
            h.setProcessingTime(0);
            h.open();
            h.processElement(window(0, contract), 1000);
            h.processElement(window(1, contract), 2000);
            h.processWatermark(new Watermark(2500));
            assertEquals(List.of(), sequence(h.getOutput()), "two windows wait: the watermark waits with them");
            h.processElement(window(2, contract), 3000); // fills the batch
            assertEquals(List.of("P1000", "P2000", "P3000", "W2500"), sequence(h.getOutput()));

            h.processWatermark(new Watermark(3500));
            assertEquals("W3500", sequence(h.getOutput()).get(4), "nothing waits: forwarded at once");

            h.processElement(window(3, contract), 4000);
            h.processWatermark(new Watermark(4200));
            h.processWatermark(new Watermark(4500)); // two while waiting: the later one says all
            h.setProcessingTime(50);
            assertEquals(List.of("P4000", "W4500"), sequence(h.getOutput()).subList(5, 7), "after the delay");

            h.processElement(window(4, contract), 5000);
            h.processWatermark(new Watermark(5500));
            h.prepareSnapshotPreBarrier(1);
            assertEquals(List.of("P5000", "W5500"), sequence(h.getOutput()).subList(7, 9), "before a checkpoint barrier");

            h.processElement(window(5, contract), 6000);
            h.processWatermark(new Watermark(6500));
            h.processWatermarkStatus(WatermarkStatus.IDLE);
            assertEquals(List.of("P6000", "W6500", "IDLE"), sequence(h.getOutput()).subList(9, 12),
                    "before the input goes idle (an idle output drops watermarks)");

            h.processElement(window(6, contract), 7000);
            h.processWatermark(new Watermark(Long.MAX_VALUE)); // the end of a bounded input
            h.endInput();
            assertEquals(List.of("P7000", "W" + Long.MAX_VALUE), sequence(h.getOutput()).subList(12, 14));
            assertNoPredictionBehindAWatermark(h.getOutput());
        }
    }

    /**
     * Runs the next action the model supplier hands to the task's thread (its mailbox), once there is one: a model to
     * swap in, or the news that there is none.
     */
    static void runNextMail(org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness<?> h) throws Exception {
        h.getTaskMailbox().take(org.apache.flink.streaming.runtime.tasks.mailbox.TaskMailbox.MIN_PRIORITY).run();
    }

    /** Moves processing time to {@code time}, a poll interval, and waits for the supplier's answer. */
    static void pollAt(org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness<?> h, long time) throws Exception {
        h.setProcessingTime(time);
        runNextMail(h);
    }

    /** An operator watching the model {@code location} (polled every second), opened at processing time 0. */
    private static OneInputStreamOperatorTestHarness<FeatureWindow, Prediction> watching(String location,
                                                                                         ModelContract contract)
            throws Exception {
        OneInputStreamOperatorTestHarness<FeatureWindow, Prediction> h = new OneInputStreamOperatorTestHarness<>(
                new BatchInferenceOperator(settings(location, contract, 1, 0, 1000)));
        h.setProcessingTime(0);
        h.open();
        return h;
    }

    @Test
    void switchesToANewerModelVersionAndRejectsBrokenOrUnfitOnes(@org.junit.jupiter.api.io.TempDir Path root) throws Exception {
        ModelContract contract = ModelContract.read(MODEL);
        ModelVersions.add(root, "1");
        try (OneInputStreamOperatorTestHarness<FeatureWindow, Prediction> h = watching(root.toString(), contract)) {
            h.processElement(window(0, contract), 1);
            assertEquals("1", outputs(h).get(0).getModelVersion());

            ModelVersions.add(root, "2");
            h.processElement(window(1, contract), 2);
            assertEquals("1", outputs(h).get(1).getModelVersion(), "not before the next poll");
            pollAt(h, 1000);
            h.processElement(window(2, contract), 3);
            assertEquals("2", outputs(h).get(2).getModelVersion(), "switched without a restart");

            ModelVersions.addBroken(root, "3");
            pollAt(h, 2000);
            h.processElement(window(3, contract), 4);
            assertEquals("2", outputs(h).get(3).getModelVersion(), "a broken model is rejected, the old one stays");

            ModelVersions.add(root, "4", c -> c.withVersion("4").withFeatures(c.features().withMfcc(13)));
            pollAt(h, 3000);
            h.processElement(window(4, contract), 5);
            assertEquals("2", outputs(h).get(4).getModelVersion(), "a model with other features does not fit the job");

            ModelVersions.add(root, "10");
            pollAt(h, 4000);
            h.processElement(window(5, contract), 6);
            assertEquals("10", outputs(h).get(5).getModelVersion(), "10 is newer than 4: numbers compare as numbers");

            // A broken newest version, then the same folder republished fixed (its contract written again, last).
            Path eleven = ModelVersions.add(root, "11");
            java.nio.file.Path pb = eleven.resolve("saved_model.pb");
            byte[] good = java.nio.file.Files.readAllBytes(pb);
            java.nio.file.Files.write(pb, new byte[] {9, 9});
            pollAt(h, 5000);
            h.processElement(window(6, contract), 7);
            assertEquals("10", outputs(h).get(6).getModelVersion(), "11 is broken");
            java.nio.file.Files.write(pb, good);
            pollAt(h, 6000);
            h.processElement(window(7, contract), 8);
            assertEquals("10", outputs(h).get(7).getModelVersion(), "not retried while its contract is unchanged");
            java.nio.file.Files.setLastModifiedTime(eleven.resolve(ModelContract.FILE_NAME), // republished, contract last
                    java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 60_000));
            pollAt(h, 7000);
            h.processElement(window(8, contract), 9);
            assertEquals("11", outputs(h).get(8).getModelVersion(), "republished: tried again, and served");
        }
    }

    @Test
    void startsOnTheNewestVersionThatLoadsWhenTheNewestIsBroken(@org.junit.jupiter.api.io.TempDir Path root) throws Exception {
        ModelContract contract = ModelContract.read(MODEL);
        ModelVersions.add(root, "1");
        ModelVersions.addBroken(root, "2");
        try (OneInputStreamOperatorTestHarness<FeatureWindow, Prediction> h = watching(root.toString(), contract)) {
            h.processElement(window(0, contract), 1);
            assertEquals("1", outputs(h).get(0).getModelVersion(), "a restart does not fail on a broken new version");
            pollAt(h, 1000);
            h.processElement(window(1, contract), 2);
            assertEquals("1", outputs(h).get(1).getModelVersion(), "and does not try it again at every poll");
        }
        ModelVersions.addBroken(root.resolve("none"), "x"); // a root whose only version is broken
        Exception none = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
                () -> watching(root.resolve("none").toString(), contract).close());
        org.junit.jupiter.api.Assertions.assertTrue(none.getMessage().contains("no model under"), none.getMessage());
    }

    @Test
    void readsAModelRootThroughAFlinkFileSystemUri(@org.junit.jupiter.api.io.TempDir Path root) throws Exception {
        ModelContract contract = ModelContract.read(MODEL);
        ModelVersions.add(root, "7");
        String uri = root.toUri().toString(); // file:///..., read through Flink's FileSystem and mirrored locally
        assertEquals(true, ModelLocation.parse(uri).isRemote());
        org.apache.flink.configuration.Configuration conf = new org.apache.flink.configuration.Configuration();
        conf.set(dev.hark.job.options.HarkOptions.MODEL_DIR, uri);
        assertEquals("7", dev.hark.job.options.JobSettings.from(conf).contract().version());
        try (OneInputStreamOperatorTestHarness<FeatureWindow, Prediction> h = watching(uri, contract)) {
            h.processElement(window(0, contract), 1);
            assertEquals("7", outputs(h).get(0).getModelVersion());
            ModelVersions.add(root, "8");
            pollAt(h, 1000);
            h.processElement(window(1, contract), 2);
            assertEquals("8", outputs(h).get(1).getModelVersion(), "a new version under the URI is mirrored and served");
        }
    }
}
