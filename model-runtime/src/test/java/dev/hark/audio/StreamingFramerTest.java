package dev.hark.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StreamingFramerTest {

    @ParameterizedTest(name = "chunks of {0} samples, simd={1}")
    @CsvSource({"1, true", "7, true", "159, true", "160, true", "161, true", "511, true", "512, true", "1000, true",
        "4096, true", "16000, true", "48000, true", "1, false", "161, false", "1000, false", "16000, false"})
    void streamingEqualsWholeSignalBitForBit(int chunkSize, String simd) {
        Random random = new Random(chunkSize);
        float[] signal = new float[40_000];
        for (int i = 0; i < signal.length; i++) {
            signal[i] = (float) (0.3 * Math.sin(i * 0.05) + 0.05 * random.nextGaussian());
        }
        LogMelExtractor extractor = new LogMelExtractor(FeatureSpec.DEFAULT, simd);
        float[] whole = extractor.extract(signal);

        StreamingFramer framer = new StreamingFramer(extractor);
        float[] carry = new float[0];
        float[] streamed = new float[0];
        for (int from = 0; from < signal.length; from += chunkSize) {
            StreamingFramer.Advance a = framer.advance(carry, Arrays.copyOfRange(signal, from, Math.min(signal.length, from + chunkSize)));
            int old = streamed.length;
            streamed = Arrays.copyOf(streamed, old + a.frames().length);
            System.arraycopy(a.frames(), 0, streamed, old, a.frames().length);
            carry = a.carry();
            assertEquals(a.frameCount() * FeatureSpec.DEFAULT.nMels(), a.frames().length);
        }
        assertArrayEquals(whole, streamed);
        // What is left over is less than one hop beyond the last frame's start.
        assertEquals(signal.length - FeatureSpec.DEFAULT.frameCount(signal.length) * FeatureSpec.DEFAULT.hopLength(), carry.length);
    }
}
