package dev.hark.job.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.hark.avro.Prediction;
import dev.hark.job.features.FeatureWindow;
import java.util.List;
import org.junit.jupiter.api.Test;

class PredictionFormatterTest {

    @Test
    void sortsLabelsBestFirstAndCarriesTheWindow() {
        PredictionFormatter formatter = new PredictionFormatter(List.of("a", "b", "c"), "m", "2", 2);
        FeatureWindow w = new FeatureWindow("s", 4, 1000, 2000, new float[0], 2001);
        Prediction p = formatter.format(w, new float[] {0.2f, 0.7f, 0.1f}, 55, 1, 2002);
        assertEquals(2, p.getTop().size());
        assertEquals("b", p.getTop().get(0).getLabel());
        assertEquals(0.7f, p.getTop().get(0).getScore());
        assertEquals("a", p.getTop().get(1).getLabel());
        assertEquals(4, p.getWindowIndex());
        assertEquals(1000, p.getWindowStart().toEpochMilli());
        assertEquals("m", p.getModelName());
        assertEquals("2", p.getModelVersion());
        assertEquals(55, p.getTimings().getInferenceMicros());
        assertThrows(IllegalArgumentException.class, () -> formatter.format(w, new float[2], 1, 1, 1));
    }
}
