package dev.hark.data;

import java.io.IOException;
import java.util.List;
import java.util.Random;

/**
 * Composes a spoken stream: one label per one-second slot, each word placed at a random position in its slot
 * over a low noise floor, so a test or demo knows what each second should be classified as.
 */
public final class StreamComposer {
    private final SpeechSynthesizer synthesizer;

    public StreamComposer(SpeechSynthesizer synthesizer) {
        this.synthesizer = synthesizer;
    }

    /**
     * @param slots labels, one per second: a keyword, {@link KeywordDataset#SILENCE}, or any other word (spoken,
     *              expected as {@link KeywordDataset#UNKNOWN})
     */
    public float[] compose(List<String> slots, String voice, String variant, long seed) throws IOException {
        int rate = synthesizer.sampleRate();
        float[] stream = new float[slots.size() * rate];
        Random random = new Random(seed);
        for (int i = 0; i < slots.size(); i++) {
            String slot = slots.get(i);
            float[] second;
            if (slot.equals(KeywordDataset.SILENCE)) {
                second = Noise.generate(Noise.Colour.PINK, rate, 0.001 + random.nextDouble() * 0.002, random);
            } else {
                float[] speech = synthesizer.speak(slot, voice, variant, 150 + random.nextInt(30), 40 + random.nextInt(20));
                second = DatasetSynthesizer.placeInSecond(speech, random);
            }
            System.arraycopy(second, 0, stream, i * rate, rate);
        }
        return stream;
    }

    /** The label a slot is expected to get from a model with {@code labels}. */
    public static String expectedLabel(String slot, List<String> labels) {
        return labels.contains(slot) ? slot : KeywordDataset.UNKNOWN;
    }
}
