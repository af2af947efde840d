package dev.hark.job.order;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hark.job.ingest.AudioChunkEvent;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ChunkSequencerTest {
    private static final long MAX_OUT_OF_ORDER = 1000;
    private static final long IDLE = 60_000;
    private KeyedOneInputStreamOperatorTestHarness<String, AudioChunkEvent, AudioChunkEvent> harness;

    @BeforeEach
    void setUp() throws Exception {
        harness = ProcessFunctionTestHarnesses.forKeyedProcessFunction(new ChunkSequencer(new OrderSettings(MAX_OUT_OF_ORDER, 0, IDLE)),
                c -> c.streamId, Types.STRING);
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    private void send(String stream, long sequence) throws Exception {
        long time = 10_000 + sequence * 100;
        harness.processElement(new AudioChunkEvent(stream, sequence, time, 16000, new float[] {sequence}), time);
    }

    private List<String> emitted() {
        return harness.extractOutputValues().stream().map(c -> c.streamId + c.sequence).toList();
    }

    @Test
    void putsEachStreamInOrderAndKeepsNothingWaiting() throws Exception {
        send("a", 1);
        send("b", 0);
        send("a", 2);
        send("a", 0);
        send("b", 2);
        send("b", 1);
        assertEquals(List.of("b0", "a0", "a1", "a2", "b1", "b2"), emitted());
        // Per stream only the next expected sequence, the idle timer and the last chunk's end remain.
        assertEquals(6, harness.numKeyedStateEntries());
        assertEquals(2, harness.numProcessingTimeTimers());
        harness.processWatermark(20_000);
        assertEquals(0, harness.numEventTimeTimers());
        assertEquals(6, emitted().size());
    }

    @Test
    void dropsDuplicatesAndLateChunks() throws Exception {
        send("a", 0);
        send("a", 0);
        send("a", 2);
        send("a", 2);
        send("a", 1);
        send("a", 1);
        assertEquals(List.of("a0", "a1", "a2"), emitted());
    }

    @Test
    void skipsAGapOnceEventTimeHasPassedIt() throws Exception {
        send("a", 0);
        send("a", 2);
        send("a", 3);
        assertEquals(List.of("a0"), emitted());
        harness.processWatermark(10_200 + MAX_OUT_OF_ORDER - 1);
        assertEquals(List.of("a0"), emitted());
        harness.processWatermark(10_200 + MAX_OUT_OF_ORDER);
        // The 200 ms that chunk 1 should have covered come as marked silence, then 2 and 3.
        assertEquals(List.of("a0", "a1", "a2", "a3"), emitted());
        AudioChunkEvent filler = harness.extractOutputValues().get(1);
        assertEquals(true, filler.gapFill);
        assertEquals(10_000, filler.eventTime);
        assertEquals(16000 * 200 / 1000, filler.samples.length);
        send("a", 1); // too late now
        assertEquals(4, emitted().size());
        harness.processWatermark(Long.MAX_VALUE);
        assertEquals(0, harness.numEventTimeTimers());
        assertEquals(3, harness.numKeyedStateEntries()); // next sequence, idle timer, end of the last chunk
    }

    @Test
    void anEndOfStreamChunkFlushesAndFreesTheStream() throws Exception {
        send("a", 0);
        send("a", 2);
        AudioChunkEvent end = new AudioChunkEvent("a", 3, 10_300, 16000, new float[0]);
        end.endOfStream = true;
        harness.processElement(end, 10_300);
        send("a", 1);
        assertEquals(List.of("a0", "a1", "a2", "a3"), emitted());
        assertEquals(true, harness.extractOutputValues().get(3).endOfStream);
        assertEquals(0, harness.numKeyedStateEntries());
        assertEquals(0, harness.numEventTimeTimers());
        assertEquals(0, harness.numProcessingTimeTimers());
        send("a", 0); // the id may be reused: a new stream starts at 0
        assertEquals(5, emitted().size());
    }

    @Test
    void anIdleStreamIsFreedWithItsTimers() throws Exception {
        harness.setProcessingTime(1_000);
        send("a", 0);
        send("a", 2); // waits for 1, with an event-time timer
        harness.setProcessingTime(1_000 + IDLE - 1);
        assertEquals(4, harness.numKeyedStateEntries());
        harness.setProcessingTime(dev.hark.job.IdleTimers.dueAt(1_000, IDLE) - 1); // the timer moves in steps
        assertEquals(4, harness.numKeyedStateEntries());
        harness.setProcessingTime(dev.hark.job.IdleTimers.dueAt(1_000, IDLE));
        assertEquals(0, harness.numKeyedStateEntries());
        assertEquals(0, harness.numEventTimeTimers());
        assertEquals(0, harness.numProcessingTimeTimers());
        assertEquals(List.of("a0"), emitted());
    }
}
