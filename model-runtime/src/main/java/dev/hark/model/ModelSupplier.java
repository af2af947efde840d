package dev.hark.model;

import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps model I/O off the serving thread. Listing a model root, mirroring it, loading a SavedModel and warming it up
 * happen on a thread of its own; each result is handed to the serving thread through an executor that runs actions
 * there (in a Flink job, the task's mailbox), which swaps a ready model in between two batches and gives back the
 * one it replaced, to be closed here. The serving thread never waits for a model: it keeps scoring with the one it
 * has until the next is ready.
 *
 * <p>The {@link ModelLifecycle} passed in must have started (its first model is what the serving thread begins
 * with); from then on only this supplier's thread touches it.
 */
public final class ModelSupplier implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ModelSupplier.class);

    /** Runs an action on the serving thread; refuses once that thread is shutting down. */
    @FunctionalInterface
    public interface ServingThread {
        void execute(Runnable action) throws RejectedExecutionException;
    }

    /**
     * A checked replacement, handed to the serving thread.
     *
     * @param classifier the model to serve from now on, open; null where the location named the model already
     *                   served, so that only what is watched changed
     * @param why        what brought it (a new version under the watched root, an announcement)
     */
    public record Ready(AudioClassifier classifier, String why) {
    }

    private final ModelLifecycle lifecycle;
    private final ServingThread servingThread;
    private final ExecutorService thread;
    /** Every model handed to the serving thread and not given back: closed on {@link #close()}. */
    private final Set<AudioClassifier> handedOut = ConcurrentHashMap.newKeySet();
    private final AudioClassifier first;

    public ModelSupplier(ModelLifecycle lifecycle, ServingThread servingThread, String threadName) {
        this.lifecycle = lifecycle;
        this.servingThread = servingThread;
        this.first = lifecycle.classifier();
        handedOut.add(first);
        this.thread = Executors.newSingleThreadExecutor(runnable -> {
            Thread t = new Thread(runnable, threadName);
            t.setDaemon(true);
            return t;
        });
    }

    /** The model the serving thread starts with. */
    public AudioClassifier first() {
        return first;
    }

    /**
     * Looks for a newer version under the watched model root. {@code done} runs on the serving thread with the model
     * to serve, or empty where there is none (or it was rejected, with a logged reason).
     */
    public void poll(Consumer<Optional<Ready>> done) {
        submit("poll", lifecycle::poll, done);
    }

    /**
     * Checks the model at {@code location}: it loads, fits the job and carries {@code expectedVersion} (null: any).
     * {@code done} runs on the serving thread with it, or empty where it was rejected. Checks run in the order asked.
     */
    public void check(String location, String expectedVersion, String why, Consumer<Optional<Ready>> done) {
        submit("check " + location, () -> lifecycle.check(location, expectedVersion, why), done);
    }

    /** Takes back a model the serving thread no longer scores with, and closes it off the serving thread. */
    public void retire(AudioClassifier replaced) {
        if (replaced == null || !handedOut.remove(replaced)) {
            return;
        }
        try {
            thread.execute(replaced::close);
        } catch (RejectedExecutionException e) { // closing down
            replaced.close();
        }
    }

    private void submit(String what, java.util.function.Supplier<Optional<ModelLifecycle.Candidate>> find,
                        Consumer<Optional<Ready>> done) {
        try {
            thread.execute(() -> {
                Optional<Ready> ready = Optional.empty();
                try {
                    ready = find.get().map(this::take);
                } catch (RuntimeException e) { // the lifecycle reports what it expects; anything else is logged here
                    LOG.warn("model supplier: {} failed", what, e);
                }
                Optional<Ready> result = ready;
                try {
                    servingThread.execute(() -> done.accept(result));
                } catch (RejectedExecutionException e) { // the serving thread is closing: close() closes the model
                    LOG.debug("model supplier: the serving thread is gone; {} dropped", what);
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.debug("model supplier closed; {} not done", what);
        }
    }

    /** Makes the candidate the lifecycle's served model and hands it out. */
    private Ready take(ModelLifecycle.Candidate candidate) {
        // The model replaced in the lifecycle is the serving thread's (or one it has yet to take): it gives it back.
        lifecycle.replace(candidate);
        AudioClassifier next = candidate.changesModel() ? lifecycle.classifier() : null;
        if (next != null) {
            handedOut.add(next);
        }
        return new Ready(next, candidate.why());
    }

    /** Stops the thread (a load under way finishes first) and closes every model handed out. */
    @Override
    public void close() {
        thread.shutdownNow();
        try {
            if (!thread.awaitTermination(2, TimeUnit.MINUTES)) {
                LOG.warn("model supplier thread still busy after 2 minutes; closing its models anyway");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        handedOut.forEach(AudioClassifier::close);
        handedOut.clear();
        lifecycle.close();
    }
}
