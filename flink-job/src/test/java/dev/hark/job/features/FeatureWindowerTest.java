package dev.hark.job.features;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hark.audio.FeatureSpec;
import dev.hark.audio.LogMelExtractor;
import dev.hark.job.ingest.AudioChunkEvent;
import dev.hark.model.ModelContract;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

class FeatureWindowerTest {
    private static KeyedOneInputStreamOperatorTestHarness<String, AudioChunkEvent, FeatureWindow> harness(
            FeatureWindower windower) throws Exception {
        return ProcessFunctionTestHarnesses.forKeyedProcessFunction(windower, c -> c.streamId, Types.STRING);
    }

    /** Sends {@code signal} as stream "s" in chunks, timed from {@code startMillis}; returns the next sequence. */
    private static int send(KeyedOneInputStreamOperatorTestHarness<String, AudioChunkEvent, FeatureWindow> harness,
                            float[] signal, int rate, int chunk, long startMillis) throws Exception {
        int seq = 0;
        for (int from = 0; from < signal.length; from += chunk, seq++) {
            float[] part = Arrays.copyOfRange(signal, from, Math.min(signal.length, from + chunk));
            long time = startMillis + from * 1000L / rate;
            harness.processElement(new AudioChunkEvent("s", seq, time, rate, part), time);
        }
        return seq;
    }


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
                     harness(new FeatureWindower(new WindowSettings(spec, ModelContract.InputKind.LOG_MEL, windowFrames, hopFrames, 60_000)))) {
            send(harness, signal, 16000, 1700, 50_000);
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
            // Per stream: its features state and one idle timer.
            assertEquals(2, harness.numKeyedStateEntries());
            assertEquals(1, harness.numProcessingTimeTimers());
            assertEquals(0, harness.numEventTimeTimers());
        }
    }

    @Test
    void waveformWindowsHoldTheResampledSamplesOnTheSameTimeGrid() throws Exception {
        FeatureSpec spec = FeatureSpec.DEFAULT;
        int windowFrames = 97;
        int hopFrames = 50;
        float[] signal = new float[44100 * 3];
        Random random = new Random(5);
        for (int i = 0; i < signal.length; i++) {
            signal[i] = (float) (0.2 * Math.sin(i * 0.01) + 0.02 * random.nextGaussian());
        }
        float[] offline = new dev.hark.audio.Resampler(44100, 16000).resample(signal); // the whole signal at once
        int windowSamples = (int) spec.samplesForFrames(windowFrames);
        int hopSamples = hopFrames * spec.hopLength();
        try (KeyedOneInputStreamOperatorTestHarness<String, AudioChunkEvent, FeatureWindow> harness = harness(
                new FeatureWindower(new WindowSettings(spec, ModelContract.InputKind.WAVEFORM, windowFrames, hopFrames, 60_000)))) {
            int seq = send(harness, signal, 44100, 4410, 50_000);
            AudioChunkEvent end = new AudioChunkEvent("s", seq, 53_000, 44100, new float[0]);
            end.endOfStream = true; // the resampler's tail too
            harness.processElement(end, 53_000);
            List<FeatureWindow> windows = harness.extractOutputValues();
            assertEquals((offline.length - windowSamples) / hopSamples + 1, windows.size());
            for (int i = 0; i < windows.size(); i++) {
                FeatureWindow w = windows.get(i);
                int first = i * hopSamples;
                assertArrayEquals(Arrays.copyOfRange(offline, first, first + windowSamples), w.frames, "window " + i);
                assertEquals(50_000 + first / 16L, w.windowStart, "the same grid as log-mel windows");
                assertEquals(50_000 + (first + windowSamples) / 16L, w.windowEnd);
            }
            assertEquals(0, harness.numKeyedStateEntries(), "end of stream frees the stream");
            assertEquals(0, harness.numProcessingTimeTimers());
        }
    }

    @Test
    void flagsExactlyTheWindowsThatOverlapGapFilledSilence() throws Exception {
        FeatureSpec spec = FeatureSpec.DEFAULT;
        try (KeyedOneInputStreamOperatorTestHarness<String, AudioChunkEvent, FeatureWindow> harness =
                     harness(new FeatureWindower(new WindowSettings(spec, ModelContract.InputKind.LOG_MEL, 97, 100, 60_000)))) {
            float[] second = new float[16000];
            java.util.Arrays.fill(second, 0.01f);
            harness.processElement(new AudioChunkEvent("s", 0, 0, 16000, second), 0);
            harness.processElement(new AudioChunkEvent("s", 1, 1000, 16000, second), 1000);
            AudioChunkEvent gap = new AudioChunkEvent("s", 2, 2000, 16000, new float[8000]); // 2.0-2.5 s missing
            gap.gapFill = true;
            harness.processElement(gap, 2000);
            for (int i = 0; i < 3; i++) {
                harness.processElement(new AudioChunkEvent("s", 3 + i, 2500 + 1000L * i, 16000, second), 2500 + 1000L * i);
            }
            List<Boolean> flags = harness.extractOutputValues().stream().map(w -> w.gapFilled).toList();
            // windows start every second: [0,1) [1,2) [2,3) [3,4) [4,5); only [2,3) holds filled samples
            assertEquals(List.of(false, false, true, false, false), flags);
        }
    }

    @Test
    void endOfStreamScoresTheResamplerTailAndFreesTheStream() throws Exception {
        FeatureSpec spec = FeatureSpec.DEFAULT;
        float[] signal = new float[48_000 * 2]; // 2 s at 48 kHz
        for (int i = 0; i < signal.length; i++) {
            signal[i] = (float) (0.3 * Math.sin(2 * Math.PI * 440 * i / 48_000.0));
        }
        float[] whole = new dev.hark.audio.FeatureStream(spec).extractAll(signal, 48_000);
        int frames = whole.length / spec.nMels();
        try (KeyedOneInputStreamOperatorTestHarness<String, AudioChunkEvent, FeatureWindow> harness =
                     harness(new FeatureWindower(new WindowSettings(spec, ModelContract.InputKind.LOG_MEL, 97, 50, 60_000)))) {
            int seq = 0;
            for (int from = 0; from < signal.length; from += 4800, seq++) {
                harness.processElement(new AudioChunkEvent("s", seq, 1000 + from / 48, 48_000,
                        Arrays.copyOfRange(signal, from, from + 4800)), 1000 + from / 48);
            }
            int beforeEnd = harness.extractOutputValues().size();
            AudioChunkEvent end = new AudioChunkEvent("s", seq, 3000, 48_000, new float[0]);
            end.endOfStream = true;
            harness.processElement(end, 3000);
            List<FeatureWindow> windows = harness.extractOutputValues();
            assertEquals((frames - 97) / 50 + 1, windows.size(), "every window of the whole signal, the last ones at the end");
            assertEquals(true, windows.size() >= beforeEnd);
            FeatureWindow last = windows.get(windows.size() - 1);
            int first = (int) last.windowIndex * 50;
            assertArrayEquals(Arrays.copyOfRange(whole, first * 40, (first + 97) * 40), last.frames);
            assertEquals(0, harness.numKeyedStateEntries());
            assertEquals(0, harness.numProcessingTimeTimers());
        }
    }
}
