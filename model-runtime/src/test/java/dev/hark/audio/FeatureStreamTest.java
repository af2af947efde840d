package dev.hark.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FeatureStreamTest {
    private static float[] tone(int rate, int samples) {
        float[] x = new float[samples];
        for (int i = 0; i < samples; i++) {
            x[i] = (float) (0.3 * Math.sin(2 * Math.PI * 700 * i / rate) + 0.1 * Math.sin(2 * Math.PI * 2500 * i / rate));
        }
        return x;
    }

    @ParameterizedTest(name = "48 kHz in pieces of {0}")
    @ValueSource(ints = {1, 97, 4800, 48000})
    void resampledStreamingEqualsWholeSignal(int piece) {
        FeatureStream stream = new FeatureStream(FeatureSpec.DEFAULT);
        float[] x = tone(48000, 96_000);
        float[] whole = stream.extractAll(x, 48000);
        FeatureStream.State state = new FeatureStream.State();
        float[] streamed = new float[0];
        for (int from = 0; from < x.length; from += piece) {
            streamed = concat(streamed, stream.advance(state, Arrays.copyOfRange(x, from, Math.min(x.length, from + piece)), 48000).frames());
        }
        streamed = concat(streamed, stream.finish(state).frames());
        assertArrayEquals(whole, streamed);
        assertEquals(FeatureSpec.DEFAULT.frameCount(32_000) * 40, whole.length);
    }

    @Test
    void resampledAudioGivesNearlyTheSameFeaturesAsNativeAudio() {
        FeatureStream stream = new FeatureStream(FeatureSpec.DEFAULT);
        float[] native16k = stream.extractAll(tone(16000, 32_000), 16000);
        float[] from441 = stream.extractAll(tone(44100, 88_200), 44100);
        assertEquals(native16k.length, from441.length);
        double worst = 0;
        for (int i = 40 * 3; i < native16k.length; i++) { // skip the first frames: the filter's start-up
            if (native16k[i] > -5) {
                worst = Math.max(worst, Math.abs(native16k[i] - from441[i]));
            }
        }
        assertTrue(worst < 0.01, "strong bands differ by " + worst);
    }

    @Test
    void aRateChangeMidStreamKeepsTheTimelineContinuous() {
        FeatureStream stream = new FeatureStream(FeatureSpec.DEFAULT);
        FeatureStream.State state = new FeatureStream.State();
        int frames = stream.advance(state, tone(16000, 16000), 16000).frameCount();
        frames += stream.advance(state, tone(48000, 48000), 48000).frameCount();
        frames += stream.advance(state, tone(8000, 8000), 8000).frameCount();
        frames += stream.finish(state).frameCount();
        assertEquals(FeatureSpec.DEFAULT.frameCount(48_000), frames);
    }

    @Test
    void waveformSamplesStreamedEqualTheWholeSignalResampled() {
        FeatureStream stream = new FeatureStream(FeatureSpec.DEFAULT);
        float[] x = tone(48000, 48_000);
        float[] whole = new Resampler(48000, 16000).resample(x);
        FeatureStream.State state = new FeatureStream.State();
        float[] streamed = new float[0];
        for (int from = 0; from < x.length; from += 1234) {
            streamed = concat(streamed, stream.atSpecRate(state, Arrays.copyOfRange(x, from, Math.min(x.length, from + 1234)), 48000));
        }
        streamed = concat(streamed, stream.finishAtSpecRate(state));
        assertArrayEquals(whole, streamed);
        float[] native16k = tone(16000, 500);
        assertArrayEquals(native16k, stream.atSpecRate(new FeatureStream.State(), native16k, 16000), "no resampling at the spec's rate");
    }

    @Test
    void refusesAbsurdRatesWithAReason() {
        FeatureStream stream = new FeatureStream(FeatureSpec.DEFAULT);
        InvalidAudioException zero = org.junit.jupiter.api.Assertions.assertThrows(InvalidAudioException.class,
                () -> stream.advance(new FeatureStream.State(), new float[100], 0));
        assertEquals("BAD_SAMPLE_RATE", zero.reason());
        assertTrue(zero.getMessage().contains("0 Hz"), zero.getMessage());
    }

    private static float[] concat(float[] a, float[] b) {
        float[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void warmUpFramesItsNoiseAndLeavesTheStreamsAsTheyWere() {
        FeatureStream stream = new FeatureStream(FeatureSpec.DEFAULT);
        float[] audio = new float[16_000];
        for (int i = 0; i < audio.length; i++) {
            audio[i] = (float) Math.sin(i * 0.05) * 0.3f;
        }
        float[] before = stream.extractAll(audio, 16_000);
        assertEquals(FeatureSpec.DEFAULT.frameCount(2 * 16_000), stream.warmUp(2.0), "2 s of noise, framed as a stream");
        assertArrayEquals(before, stream.extractAll(audio, 16_000), "a warmed-up front end computes the same frames");
    }
}
