package dev.hark.job.timers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hark.job.ingest.AudioChunkEvent;
import dev.hark.job.order.ChunkSequencer;
import dev.hark.job.order.OrderSettings;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

class IdleTimersTest {
    @Test
    void dueTimesAreStepBoundariesAtLeastTheTimeoutLater() {
        long timeout = 80_000; // steps of 10 s
        for (long now = 0; now < 200_000; now += 997) {
            long due = IdleTimers.dueAt(now, timeout);
            assertTrue(due > now + timeout - 1 && due <= now + timeout + 10_000, now + " -> " + due);
            assertEquals(0, due % 10_000, "a step boundary");
        }
        assertEquals(IdleTimers.dueAt(1_000, timeout), IdleTimers.dueAt(9_000, timeout), "same step, same timer");
    }

    @Test
    void aStreamSendingSteadilyReRegistersOncePerStepNotPerChunk() throws Exception {
        long timeout = 80_000;
        try (KeyedOneInputStreamOperatorTestHarness<String, AudioChunkEvent, AudioChunkEvent> harness =
                     ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                             new ChunkSequencer(new OrderSettings(1_000, 0, timeout)), c -> c.streamId,
                             org.apache.flink.api.common.typeinfo.Types.STRING)) {
            java.util.Set<Long> dueTimes = new java.util.TreeSet<>();
            for (int seq = 0; seq < 300; seq++) { // 30 s of 100 ms chunks
                long now = seq * 100L;
                harness.setProcessingTime(now);
                harness.processElement(new AudioChunkEvent("a", seq, now, 16000, new float[1600]), now);
                assertEquals(1, harness.numProcessingTimeTimers(), "one idle timer per stream");
                dueTimes.add(IdleTimers.dueAt(now, timeout));
            }
            assertEquals(3, dueTimes.size(), "30 s of chunks span 3 steps of 10 s: 3 due times in turn, not 300");
            harness.setProcessingTime(IdleTimers.dueAt(29_900, timeout));
            assertEquals(0, harness.numProcessingTimeTimers());
            assertEquals(0, harness.numKeyedStateEntries());
        }
    }
}
