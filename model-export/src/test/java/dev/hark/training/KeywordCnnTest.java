package dev.hark.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

class KeywordCnnTest {
    private static final int FRAMES = 97;
    private static final int BANDS = 40;

    private static float[] logits(float[] window) {
        return logits(window, KeywordCnn.Front.CURRENT);
    }

    private static float[] logits(float[] window, KeywordCnn.Front front) {
        try (Graph graph = new Graph()) {
            Ops tf = Ops.create(graph);
            Placeholder<TFloat32> mel = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, FRAMES, BANDS)));
            Map<String, Variable<TFloat32>> vars = KeywordCnn.variables(tf, 12, KeywordCnn.initialValues(12, 7));
            Operand<TFloat32> logits = KeywordCnn.logits(tf, mel, vars, front);
            try (Session session = new Session(graph)) {
                session.initialize();
                try (TFloat32 x = TFloat32.tensorOf(Shape.of(1, FRAMES, BANDS), DataBuffers.of(window, true, false));
                     Result r = session.runner().feed(mel, x).fetch(logits).run()) {
                    TFloat32 out = (TFloat32) r.get(0);
                    float[] values = new float[12];
                    out.copyTo(DataBuffers.of(values, false, false));
                    return values;
                }
            }
        }
    }

    /** Speech-like values in the low bands, {@code top} in the 10 highest. */
    private static float[] window(float top) {
        Random random = new Random(3);
        float[] w = new float[FRAMES * BANDS];
        for (int f = 0; f < FRAMES; f++) {
            for (int m = 0; m < BANDS; m++) {
                w[f * BANDS + m] = m >= BANDS - 10 ? top : (float) (random.nextGaussian() * 2);
            }
        }
        w[0] = 5f; // the loudest value of the window
        return w;
    }

    @Test
    void bandsWithNothingInThemLookLikeQuietBands() {
        float floor = 5f - (float) (KeywordCnn.Front.CURRENT.dynamicRangeDb() / (10 * Math.log10(Math.E)));
        // ln(1e-6): what the front end gives for digital silence, far below the floor.
        float[] silent = logits(window(-13.8f));
        assertArrayEquals(logits(window(floor)), silent, 1e-4f);
        float[] audible = logits(window(floor + 6));
        double difference = 0;
        for (int i = 0; i < silent.length; i++) {
            difference += Math.abs(audible[i] - silent[i]);
        }
        assertTrue(difference > 1e-3, "a band above the floor still counts: " + difference);
    }

    private static float[] smoothed(float[] window, int kept) {
        try (Graph graph = new Graph()) {
            Ops tf = Ops.create(graph);
            Placeholder<TFloat32> mel = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, FRAMES, BANDS)));
            Operand<TFloat32> out = KeywordCnn.smoothSpectrum(tf, mel, kept);
            try (Session session = new Session(graph);
                 TFloat32 x = TFloat32.tensorOf(Shape.of(1, FRAMES, BANDS), DataBuffers.of(window, true, false));
                 Result r = session.runner().feed(mel, x).fetch(out).run()) {
                float[] values = new float[FRAMES * BANDS];
                ((TFloat32) r.get(0)).copyTo(DataBuffers.of(values, false, false));
                return values;
            }
        }
    }

    @Test
    void smoothingKeepsTheEnvelopeAndDropsTheRipple() {
        float[] envelope = new float[FRAMES * BANDS];
        float[] rippled = new float[FRAMES * BANDS];
        for (int f = 0; f < FRAMES; f++) {
            for (int m = 0; m < BANDS; m++) {
                envelope[f * BANDS + m] = (float) Math.cos(Math.PI * 2 * (m + 0.5) / BANDS); // a slow shape
                rippled[f * BANDS + m] = envelope[f * BANDS + m] + (float) Math.cos(Math.PI * 30 * (m + 0.5) / BANDS); // fine ripple
            }
        }
        assertArrayEquals(envelope, smoothed(rippled, KeywordCnn.Front.CURRENT.keptCepstra()), 1e-4f);
        assertArrayEquals(rippled, smoothed(rippled, BANDS), 1e-4f, "every coefficient kept: nothing changes");
    }

    /** The window with frames {@code a} and {@code b} swapped. */
    private static float[] swapFrames(float[] window, int a, int b) {
        float[] swapped = window.clone();
        System.arraycopy(window, a * BANDS, swapped, b * BANDS, BANDS);
        System.arraycopy(window, b * BANDS, swapped, a * BANDS, BANDS);
        return swapped;
    }

    private static double difference(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += Math.abs(a[i] - b[i]);
        }
        return sum;
    }

    @Test
    void inputPoolingAveragesEachBlockBeforeTheConvolutions() {
        KeywordCnn.Front pooled = KeywordCnn.Front.CURRENT.withInputPool(2, 2);
        float[] window = window(1f);
        // Frames 10 and 11 share a block of two frames: the average, and so everything after it, is the same.
        assertArrayEquals(logits(window, pooled), logits(swapFrames(window, 10, 11), pooled), 1e-4f);
        // Frames 11 and 12 are in different blocks, and without pooling every frame counts on its own.
        assertTrue(difference(logits(window, pooled), logits(swapFrames(window, 11, 12), pooled)) > 1e-3);
        assertTrue(difference(logits(window), logits(swapFrames(window, 10, 11))) > 1e-3);
    }

    @Test
    void poolingAfterTheFirstLayerIsWhatTheFrontSays() {
        float[] window = window(1f);
        KeywordCnn.Front wide = KeywordCnn.Front.CURRENT.withFirstPool(4, 4);
        assertArrayEquals(logits(window), logits(window, KeywordCnn.Front.CURRENT.withFirstPool(2, 2)), 0f);
        assertTrue(difference(logits(window), logits(window, wide)) > 1e-3, "a wider pool gives other logits");
    }

    @Test
    void aModelIsRebuiltWithTheStepsItsContractNames() {
        KeywordCnn.Front pooled = KeywordCnn.Front.CURRENT.withInputPool(2, 3).withFirstPool(4, 2);
        java.util.Map<String, Object> pooledSummary = new java.util.HashMap<>();
        pooled.describe(pooledSummary);
        assertTrue(KeywordCnn.Front.of(pooledSummary).equals(pooled), "input pooling read back: " + pooledSummary);
        java.util.Map<String, Object> summary = new java.util.HashMap<>();
        KeywordCnn.Front.CURRENT.describe(summary);
        assertTrue(KeywordCnn.Front.of(summary).equals(KeywordCnn.Front.CURRENT));
        assertTrue(KeywordCnn.Front.of(java.util.Map.of()).equals(new KeywordCnn.Front(0, 0)), "older models had neither");
    }
}
