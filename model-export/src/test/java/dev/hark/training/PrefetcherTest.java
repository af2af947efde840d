package dev.hark.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PrefetcherTest {
    @Test
    void givesTheSupplierSequenceInOrder() {
        // A seeded supplier, as training's batches: prefetched, it must give what it gives called in place.
        List<Long> inPlace = new ArrayList<>();
        Random direct = new Random(7);
        for (int i = 0; i < 500; i++) {
            inPlace.add(direct.nextLong());
        }
        Random seeded = new Random(7);
        List<Long> prefetched = new ArrayList<>();
        try (Prefetcher<Long> prefetcher = new Prefetcher<>("test", 3, seeded::nextLong)) {
            for (int i = 0; i < 500; i++) {
                prefetched.add(prefetcher.next());
            }
        }
        assertEquals(inPlace, prefetched);
    }

    @Test
    void makesAtMostDepthItemsAhead() throws InterruptedException {
        AtomicInteger made = new AtomicInteger();
        try (Prefetcher<Integer> prefetcher = new Prefetcher<>("test", 2, made::incrementAndGet)) {
            assertEquals(1, prefetcher.next());
            // Two waiting in the queue and a third made, blocked on put: never more.
            long deadline = System.currentTimeMillis() + 5_000;
            while (made.get() < 4 && System.currentTimeMillis() < deadline) {
                Thread.sleep(10);
            }
            Thread.sleep(100);
            assertEquals(4, made.get());
            assertEquals(2, prefetcher.next());
        }
    }

    @Test
    void handsOnWhatTheSupplierThrew() {
        AtomicInteger calls = new AtomicInteger();
        IllegalArgumentException cause = new IllegalArgumentException("clip too short");
        try (Prefetcher<Integer> prefetcher = new Prefetcher<>("test", 2, () -> {
            if (calls.incrementAndGet() == 3) {
                throw cause;
            }
            return calls.get();
        })) {
            assertEquals(1, prefetcher.next());
            assertEquals(2, prefetcher.next());
            IllegalStateException failure = assertThrows(IllegalStateException.class, prefetcher::next);
            assertSame(cause, failure.getCause());
            assertTrue(failure.getMessage().contains("clip too short"), failure.getMessage());
            // And again, rather than waiting for an item that will never come.
            assertSame(cause, assertThrows(IllegalStateException.class, prefetcher::next).getCause());
        }
    }

    @Test
    void closeStopsTheWorker() {
        Prefetcher<Integer> prefetcher = new Prefetcher<>("test", 1, () -> 1);
        assertEquals(1, prefetcher.next());
        assertTrue(prefetcher.running());
        prefetcher.close();
        assertFalse(prefetcher.running());
    }

    @Test
    void refusesADepthBelowOne() {
        assertThrows(IllegalArgumentException.class, () -> new Prefetcher<>("test", 0, () -> 1));
    }
}
