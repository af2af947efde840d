package dev.hark.training;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.Supplier;

/**
 * Makes the next items on a thread of its own while the caller uses the current one: training prepares the next
 * batch (augmentation, log-mel, warps) while TensorFlow runs a step on this one, so the two no longer take turns
 * on one core. Items come out in the order the supplier made them, and the supplier runs on one thread only, so a
 * seeded supplier gives the same sequence as when called in place: the same seed still trains the same model.
 */
final class Prefetcher<T> implements AutoCloseable {
    private final BlockingQueue<Object> ready;
    private final Thread worker;

    /** Starts making items; at most {@code depth} wait unused. */
    Prefetcher(String name, int depth, Supplier<T> supplier) {
        if (depth < 1) {
            throw new IllegalArgumentException("depth must be at least 1, got " + depth);
        }
        this.ready = new ArrayBlockingQueue<>(depth);
        this.worker = new Thread(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    ready.put(supplier.get());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException | Error e) {
                // Handed to the caller in the item's place; put cannot be refused for long, the caller is taking.
                try {
                    ready.put(new Failure(e));
                } catch (InterruptedException ignored) {
                    Thread.currentThread().interrupt();
                }
            }
        }, name);
        worker.setDaemon(true);
        worker.start();
    }

    /** The next item, waiting for it if need be; what the supplier threw, if it threw instead. */
    @SuppressWarnings("unchecked")
    T next() {
        Object item;
        try {
            item = ready.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the next item", e);
        }
        if (item instanceof Failure failure) {
            // Put back, so a later call fails the same way instead of waiting forever.
            ready.offer(failure);
            throw new IllegalStateException("preparing the next item failed: " + failure.cause(), failure.cause());
        }
        return (T) item;
    }

    /** Stops the worker and waits for it to end. */
    @Override
    public void close() {
        worker.interrupt();
        ready.clear();
        try {
            worker.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** True while the worker thread runs (for tests). */
    boolean running() {
        return worker.isAlive();
    }

    private record Failure(Throwable cause) {
    }
}
