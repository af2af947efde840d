package dev.hark.job.features;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hark.audio.FeatureSpec;
import dev.hark.audio.LogMelExtractor;
import dev.hark.job.ingest.AudioChunkEvent;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

class FeatureWindowerTest {

    @Test
    void windowsEqualOfflineFramesOfTheWholeSignal() throws Exception {
        FeatureSpec spec = FeatureSpec.DEFAULT;
        int windowFrames = 97;
        int hopFrames = 50;
        float[] signal = new float[3 * 16000 + 1234];
        Random random = new Random(3);
        for (int i = 0; i < signal.length; i++) {
            signal[i] = (float) (0.2 * Math.sin(i * 0.03) + 0.02 * random.nextGaussian());
        }
        float[] offline = new LogMelExtractor(spec).extract(signal);
        int frames = offline.length / spec.nMels();

        try (KeyedOneInputStreamOperatorTestHarness<String, AudioChunkEvent, FeatureWindow> harness =
                     ProcessFunctionTestHarnesses.forKeyedProcessFunction(new FeatureWindower(spec, windowFrames, hopFrames),
                             c -> c.streamId, Types.STRING)) {
            int seq = 0;
            for (int from = 0; from < signal.length; from += 1700, seq++) {
                float[] part = Arrays.copyOfRange(signal, from, Math.min(signal.length, from + 1700));
                long time = 50_000 + from * 1000L / 16000;
                harness.processElement(new AudioChunkEvent("s", seq, time, 16000, part), time);
            }
            List<FeatureWindow> windows = harness.extractOutputValues();
            assertEquals((frames - windowFrames) / hopFrames + 1, windows.size());
            for (int i = 0; i < windows.size(); i++) {
                FeatureWindow w = windows.get(i);
                assertEquals(i, w.windowIndex);
                int first = i * hopFrames;
                assertArrayEquals(Arrays.copyOfRange(offline, first * spec.nMels(), (first + windowFrames) * spec.nMels()), w.frames);
                assertEquals(50_000 + first * 10L, w.windowStart);
                assertEquals(50_000 + first * 10L + (96 * 160 + 512) / 16, w.windowEnd);
            }
            // One state entry per stream, no timers.
            assertEquals(1, harness.numKeyedStateEntries());
            assertEquals(0, harness.numEventTimeTimers() + harness.numProcessingTimeTimers());
        }
    }
}
