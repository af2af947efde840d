package dev.hark.job.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hark.avro.Detection;
import dev.hark.avro.InferenceTimings;
import dev.hark.avro.LabelScore;
import dev.hark.avro.Prediction;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DebouncerTest {
    private static Prediction window(int i, String label, float score) {
        return Prediction.newBuilder().setStreamId("s").setWindowIndex(i)
                .setWindowStart(Instant.ofEpochMilli(500L * i)).setWindowEnd(Instant.ofEpochMilli(500L * i + 1000))
                .setModelName("m").setModelVersion("1").setTop(List.of(new LabelScore(label, score)))
                .setTimings(new InferenceTimings(0L, 1, Instant.EPOCH, Instant.EPOCH)).build();
    }

    @Test
    void oneDetectionPerUtteranceAboveItsThreshold() {
        Debouncer debouncer = new Debouncer(Map.of("stop", 0.8f, "go", 0.5f), Set.of("_unknown_", "_silence_"));
        Debouncer.Run run = new Debouncer.Run();
        List<Detection> out = new ArrayList<>();
        String[] labels = {"_silence_", "stop", "stop", "stop", "go", "go", "_unknown_", "stop", "stop", "_silence_"};
        float[] scores = {0.99f, 0.85f, 0.95f, 0.9f, 0.6f, 0.7f, 0.9f, 0.7f, 0.9f, 0.99f};
        for (int i = 0; i < labels.length; i++) {
            debouncer.next(run, window(i, labels[i], scores[i])).ifPresent(out::add);
        }
        debouncer.finish(run).ifPresent(out::add);
        // stop x3 (one utterance), go x2, then "stop" at 0.7 is under its 0.8 threshold, the next window starts a new one
        assertEquals(List.of("stop", "go", "stop"), out.stream().map(Detection::getLabel).toList());
        Detection first = out.get(0);
        assertEquals(0.95f, first.getScore());
        assertEquals(500, first.getStart().toEpochMilli());
        assertEquals(1500 + 1000, first.getEnd().toEpochMilli());
        assertEquals("s", first.getStreamId());
        assertTrue(debouncer.finish(run).isEmpty(), "nothing left once finished");
    }
}
