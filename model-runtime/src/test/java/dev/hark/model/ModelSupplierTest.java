package dev.hark.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Model I/O on the supplier's thread; the serving thread (here the test's) only ever runs what is handed to it. */
@Timeout(value = 3, unit = TimeUnit.MINUTES) // a deadlock fails rather than hangs
class ModelSupplierTest {
    private final ModelContract job = ModelContract.read(ModelVersions.BUNDLED);
    private final List<AudioClassifier> opened = new ArrayList<>();
    /** What the supplier hands to the serving thread. */
    private final BlockingQueue<Runnable> servingThread = new LinkedBlockingQueue<>();
    /** While set, listing a location waits for it: a slow remote file system. */
    private final AtomicReference<CountDownLatch> gate = new AtomicReference<>();
    private final CountDownLatch listingStarted = new CountDownLatch(1);

    ModelSupplierTest() throws java.io.IOException {
    }

    private ModelLifecycle lifecycle() {
        return new ModelLifecycle(job, location -> {
            CountDownLatch g = gate.get();
            if (g != null) {
                listingStarted.countDown();
                try {
                    g.await();
                } catch (InterruptedException e) {
                    throw new java.io.InterruptedIOException();
                }
            }
            return Path.of(location);
        }, dir -> {
            AudioClassifier c = new AudioClassifier(dir, 1, 1);
            synchronized (opened) {
                opened.add(c);
            }
            return c.open();
        }, new ModelLifecycle.Listener() {
        });
    }

    /** Runs the next action handed to the serving thread. */
    private void runNext() throws InterruptedException {
        Runnable next = servingThread.poll(2, TimeUnit.MINUTES);
        assertNotNull(next, "nothing was handed to the serving thread");
        next.run();
    }

    private static float[] window(ModelContract contract) {
        return new float[contract.windowFrames() * contract.features().featuresPerFrame()];
    }

    @Test
    void theServingThreadScoresOnWhileASlowLocationIsListedAndGetsTheNewModelWhenReady(@TempDir Path root)
            throws Exception {
        ModelVersions.add(root, "1");
        ModelLifecycle lifecycle = lifecycle();
        lifecycle.start(root.toString());
        AtomicReference<Optional<ModelSupplier.Ready>> result = new AtomicReference<>();
        try (ModelSupplier supplier = new ModelSupplier(lifecycle, servingThread::add, "test-model-supplier")) {
            AudioClassifier serving = supplier.first();
            ModelVersions.add(root, "2");
            CountDownLatch release = new CountDownLatch(1);
            gate.set(release);
            supplier.poll(result::set);
            listingStarted.await();

            // The supplier's thread is stuck listing the root: the serving thread is not.
            for (int i = 0; i < 5; i++) {
                assertEquals(job.labels().size(), serving.classify(window(job), 1)[0].length);
            }
            assertTrue(servingThread.isEmpty(), "nothing handed over while the listing is under way");
            assertNull(result.get());

            gate.set(null);
            release.countDown();
            runNext();
            AudioClassifier next = result.get().orElseThrow().classifier();
            assertEquals("2", next.contract().version());
            assertTrue(serving.isOpen(), "the replaced model stays open until the serving thread gives it back");
            supplier.retire(serving);
            supplier.poll(result::set); // runs after the close on the supplier's thread
            runNext();
            assertEquals(Optional.empty(), result.get(), "nothing newer than 2");
            assertFalse(serving.isOpen(), "given back, and closed");
            assertTrue(next.isOpen());
        }
        synchronized (opened) {
            assertFalse(opened.stream().anyMatch(AudioClassifier::isOpen), "closing the supplier closes every model");
        }
    }

    @Test
    void checksRunInOrderAndARejectedOneHandsOverNothing(@TempDir Path root) throws Exception {
        Path one = ModelVersions.add(root, "1");
        Path broken = ModelVersions.addBroken(root, "2");
        Path three = ModelVersions.add(root, "3");
        ModelLifecycle lifecycle = lifecycle();
        lifecycle.start(one.toString());
        List<String> seen = new ArrayList<>();
        try (ModelSupplier supplier = new ModelSupplier(lifecycle, servingThread::add, "test-model-supplier")) {
            supplier.check(broken.toString(), null, "test", r -> seen.add(r.map(x -> x.classifier().contract().version())
                    .orElse("rejected")));
            supplier.check(three.toString(), "4", "test", r -> seen.add(r.isPresent() ? "taken" : "wrong version"));
            supplier.check(three.toString(), "3", "test", r -> seen.add(r.map(x -> x.classifier().contract().version())
                    .orElse("rejected")));
            supplier.check(three.toString(), null, "test", r -> seen.add(r.map(x -> x.classifier() == null
                    ? "already served" : "loaded again").orElse("rejected")));
            for (int i = 0; i < 4; i++) {
                runNext();
            }
            assertEquals(List.of("rejected", "wrong version", "3", "already served"), seen);
        }
    }
}
