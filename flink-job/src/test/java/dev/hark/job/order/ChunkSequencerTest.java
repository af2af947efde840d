package dev.hark.job.order;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hark.job.ingest.AudioChunkEvent;
import dev.hark.job.ingest.DeadLetteringDecoder;
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

    private List<String> deadLetters(KeyedOneInputStreamOperatorTestHarness<String, AudioChunkEvent, AudioChunkEvent> h) {
        var records = h.getSideOutput(DeadLetteringDecoder.DEAD_LETTERS);
        return records == null ? List.of() : records.stream().map(r -> r.getValue().getReason()).toList();
    }

    @Test
    void deadLettersDuplicatesAndLateChunks() throws Exception {
        send("a", 0);
        send("a", 0);
        send("a", 2);
        send("a", 2);
        send("a", 1);
        send("a", 1);
        assertEquals(List.of("a0", "a1", "a2"), emitted());
        assertEquals(List.of(ChunkSequencer.SEQUENCE_ALREADY_PASSED, ChunkSequencer.DUPLICATE_CHUNK,
                ChunkSequencer.SEQUENCE_ALREADY_PASSED), deadLetters(harness));
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, AudioChunkEvent, AudioChunkEvent> limited(
            StreamLimits limits) throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(
                ChunkSequencer.operator(new OrderSettings(MAX_OUT_OF_ORDER, 0, IDLE, limits)), c -> c.streamId, Types.STRING);
        h.open();
        return h;
    }

    private static void send(KeyedOneInputStreamOperatorTestHarness<String, AudioChunkEvent, AudioChunkEvent> h,
                             String stream, long sequence, int samples) throws Exception {
        long time = 10_000 + sequence * 100;
        h.processElement(new AudioChunkEvent(stream, sequence, time, 16000, new float[samples]), time);
    }

    @Test
    void aFullWaitingListGivesUpOnItsGap() throws Exception {
        try (var h = limited(new StreamLimits(10, 3, 1 << 20, 1000, 60_000, 10_000))) {
            send(h, "a", 0, 1600);
            for (long seq = 2; seq <= 4; seq++) {
                send(h, "a", seq, 1600);
            }
            assertEquals(1, h.extractOutputValues().size(), "three chunks wait for sequence 1");
            send(h, "a", 5, 1600); // a fourth would pass the limit: chunk 1 is given up, 100 ms filled with silence
            List<AudioChunkEvent> out = h.extractOutputValues();
            assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L), out.stream().map(c -> c.sequence).toList());
            assertTrue(out.get(1).gapFill);
            assertEquals(0, h.numEventTimeTimers(), "nothing waits");
            assertEquals(3, h.numKeyedStateEntries()); // next sequence, idle timer, last end
            send(h, "a", 1, 1600);
            assertEquals(List.of(ChunkSequencer.SEQUENCE_ALREADY_PASSED), deadLetters(h));
        }
    }

    @Test
    void waitingBytesAreBoundedToo() throws Exception {
        long limit = StreamLimits.waitingBytes(1600) * 2;
        try (var h = limited(new StreamLimits(10, 100, limit, 1000, 60_000, 10_000))) {
            send(h, "a", 0, 1600);
            send(h, "a", 2, 1600);
            send(h, "a", 3, 1600);
            assertEquals(1, h.extractOutputValues().size());
            send(h, "a", 5, 16000); // alone over the limit: both gaps are given up at once
            assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L), h.extractOutputValues().stream().map(c -> c.sequence).toList());
            assertEquals(0, h.numEventTimeTimers());
        }
    }

    @Test
    void deadLettersChunksTooFarAheadOrTooFarBehindInTime() throws Exception {
        try (var h = limited(new StreamLimits(10, 64, 1 << 20, 50, 5_000, 10_000))) {
            send(h, "a", 0, 160);
            send(h, "a", 52, 160); // 51 past the next expected, 1
            send(h, "a", 51, 160); // may wait
            assertEquals(List.of(ChunkSequencer.SEQUENCE_TOO_FAR_AHEAD), deadLetters(h));
            h.processElement(new AudioChunkEvent("a", 1, 10_000 - 5_011, 16000, new float[160]), 1);
            h.processWatermark(30_000);
            h.processElement(new AudioChunkEvent("b", 0, 30_000 - 5_001, 16000, new float[160]), 1);
            h.processElement(new AudioChunkEvent("c", 0, 30_000 - 5_000, 16000, new float[160]), 1);
            assertEquals(List.of(ChunkSequencer.SEQUENCE_TOO_FAR_AHEAD, ChunkSequencer.EVENT_TIME_BEFORE_STREAM,
                    ChunkSequencer.EVENT_TIME_BEHIND_WATERMARK), deadLetters(h));
            // A stream's first chunk may be far ahead: there is nothing to measure it against.
            h.processElement(new AudioChunkEvent("d", 1L << 62, 30_000, 16000, new float[160]), 30_000);
            assertEquals(3, deadLetters(h).size());
        }
    }

    @Test
    void refusesStreamsPastTheLiveLimitAndRecountsThemAfterARestore() throws Exception {
        StreamLimits limits = new StreamLimits(2, 64, 1 << 20, 1000, 60_000, 10_000);
        org.apache.flink.runtime.checkpoint.OperatorSubtaskState snapshot;
        try (var h = limited(limits)) {
            send(h, "a", 0, 160);
            send(h, "b", 0, 160);
            send(h, "c", 0, 160);
            send(h, "a", 1, 160); // a live stream goes on
            assertEquals(List.of(ChunkSequencer.TOO_MANY_STREAMS), deadLetters(h));
            snapshot = h.snapshot(1, 1);
        }
        try (var h = new KeyedOneInputStreamOperatorTestHarness<>(
                ChunkSequencer.operator(new OrderSettings(MAX_OUT_OF_ORDER, 0, IDLE, limits)), c -> c.streamId, Types.STRING)) {
            h.initializeState(snapshot);
            h.open();
            send(h, "c", 0, 160);
            assertEquals(List.of(ChunkSequencer.TOO_MANY_STREAMS), deadLetters(h), "still two live streams");
            AudioChunkEvent end = new AudioChunkEvent("b", 1, 10_100, 16000, new float[0]);
            end.endOfStream = true;
            h.processElement(end, 10_100);
            send(h, "c", 0, 160);
            assertEquals(1, deadLetters(h).size(), "the ended stream made room");
            assertEquals(List.of("b1", "c0"), h.extractOutputValues().stream().map(c -> c.streamId + c.sequence).toList());
        }
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
        assertEquals(6, harness.numKeyedStateEntries()); // with the waiting chunk and its tally
        harness.setProcessingTime(dev.hark.job.timers.IdleTimers.dueAt(1_000, IDLE) - 1); // the timer moves in steps
        assertEquals(6, harness.numKeyedStateEntries()); // with the waiting chunk and its tally
        harness.setProcessingTime(dev.hark.job.timers.IdleTimers.dueAt(1_000, IDLE));
        assertEquals(0, harness.numKeyedStateEntries());
        assertEquals(0, harness.numEventTimeTimers());
        assertEquals(0, harness.numProcessingTimeTimers());
        assertEquals(List.of("a0"), emitted());
    }
}
