package dev.hark.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model one inference task serves, from its first load to its close. It serves a model folder, or the newest
 * version under a model root that loads and fits; checks every replacement before it is used (it loads, fits the
 * running job, carries the expected version); swaps a replacement in when the caller is between two batches; and
 * closes every model it replaces or rejects. A version rejected under a root is not tried again until its contract
 * is written again. No Flink here: where model locations are remote, the caller passes a function that mirrors them
 * to a local folder.
 */
public final class ModelLifecycle implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ModelLifecycle.class);

    /** Opens the model in a folder (an {@link AudioClassifier} whose {@code open()} has succeeded). */
    @FunctionalInterface
    public interface Loader {
        AudioClassifier open(Path modelDir) throws Exception;
    }

    /** The local folder to read a model location from (itself, or a mirror of a remote one). */
    @FunctionalInterface
    public interface Locations {
        Path localView(String location) throws IOException;
    }

    /** Told of every swap and rejection, e.g. to count them. */
    public interface Listener {
        default void swapped(Path from, Path to, ModelContract contract, String why) {
        }

        default void rejected(String model, String why, String reason) {
        }
    }

    /** A checked replacement, ready to be swapped in; its model is open until swapped in or discarded. */
    public static final class Candidate {
        private final AudioClassifier classifier;
        private final Path dir;
        private final String location;
        private final boolean root;
        private final String why;

        private Candidate(AudioClassifier classifier, Path dir, String location, boolean root, String why) {
            this.classifier = classifier;
            this.dir = dir;
            this.location = location;
            this.root = root;
            this.why = why;
        }

        /** The model folder it serves. */
        public Path dir() {
            return dir;
        }

        /** What brought it: a new version under the watched root, an announcement. */
        public String why() {
            return why;
        }

        /** False when its location holds the model served already: swapping only changes what is watched. */
        public boolean changesModel() {
            return classifier != null;
        }
    }

    private final ModelContract jobContract;
    private final Locations locations;
    private final Loader loader;
    private final Listener listener;
    /** Versions rejected under the watched root, with their contract's time then: tried again once it changes. */
    private final Map<Path, Long> rejected = new HashMap<>();
    private AudioClassifier serving;
    private Path servingDir;
    /** The location looked at for newer versions: the one started with, or the last one swapped to. */
    private String watched;
    private boolean watchedIsRoot;

    /**
     * @param jobContract the contract the running job was built for: its front end and windows are fixed, so every
     *                    model served must have the same
     */
    public ModelLifecycle(ModelContract jobContract, Locations locations, Loader loader, Listener listener) {
        this.jobContract = jobContract;
        this.locations = locations;
        this.loader = loader;
        this.listener = listener;
    }

    /**
     * Serves {@code location}: a model folder, or under a model root the newest version that loads and fits (so a
     * broken newest version does not stop a restart). Fails, serving nothing, if none does.
     */
    public void start(String location) throws IOException {
        if (serving != null) {
            throw new IllegalStateException("already serving " + servingDir);
        }
        Path local = locations.localView(location);
        boolean root = ModelRoot.isRoot(local);
        List<Path> candidates = root ? ModelRoot.versionsNewestFirst(local) : List.of(ModelRoot.resolve(local));
        StringBuilder why = new StringBuilder();
        for (Path dir : candidates) {
            try {
                serving = openFitting(dir, null);
            } catch (Exception e) {
                if (root) {
                    rejected.put(dir, contractTime(dir));
                    listener.rejected(dir.toString(), "at start", e.getMessage());
                    LOG.warn("rejected model {} at start: {}; trying an older version", dir, e.getMessage());
                }
                why.append(why.length() == 0 ? "" : "; ").append(dir).append(": ").append(e.getMessage());
                continue;
            }
            servingDir = dir;
            watched = location;
            watchedIsRoot = root;
            return;
        }
        throw new IOException("no model under " + location + " loads: " + (why.length() == 0 ? "no versions" : why));
    }

    /** The model being served. */
    public AudioClassifier classifier() {
        requireServing();
        return serving;
    }

    public ModelContract contract() {
        return classifier().contract();
    }

    /** The folder of the model being served. */
    public Path servingDir() {
        requireServing();
        return servingDir;
    }

    public boolean isServing() {
        return serving != null;
    }

    /**
     * Looks under the watched model root for a version other than the served one that is now the newest (a new one,
     * or the one before when the newest was taken away). Returns it checked and ready to swap in; empty if there is
     * none, or it was rejected (reported, and not tried again until its contract is rewritten).
     */
    public Optional<Candidate> poll() {
        requireServing();
        if (!watchedIsRoot) {
            return Optional.empty();
        }
        Path newest;
        try {
            newest = ModelRoot.newest(locations.localView(watched)).orElse(null);
        } catch (IOException e) {
            LOG.warn("cannot list model root {}: {}", watched, e.getMessage());
            return Optional.empty();
        }
        if (newest == null || newest.equals(servingDir) || rejected.getOrDefault(newest, -1L) == contractTime(newest)) {
            return Optional.empty();
        }
        Optional<Candidate> candidate = check(newest, null, watched, true, "new version under " + watched);
        if (candidate.isEmpty()) {
            rejected.put(newest, contractTime(newest));
        }
        return candidate;
    }

    /**
     * The model at {@code location} (a folder, or a root's newest version), checked: it loads, fits the running job
     * and carries {@code expectedVersion} (null: any). Empty, with the reason reported, if not. Once swapped in, its
     * location is the one watched.
     */
    public Optional<Candidate> check(String location, String expectedVersion, String why) {
        requireServing();
        Path local;
        Path dir;
        try {
            local = locations.localView(location);
            dir = ModelRoot.resolve(local);
        } catch (Exception e) {
            reject(location, why, e.getMessage());
            return Optional.empty();
        }
        boolean root = ModelRoot.isRoot(local);
        if (dir.equals(servingDir) && (expectedVersion == null || expectedVersion.equals(serving.contract().version()))) {
            return Optional.of(new Candidate(null, dir, location, root, why));
        }
        return check(dir, expectedVersion, location, root, why);
    }

    private Optional<Candidate> check(Path dir, String expectedVersion, String location, boolean root, String why) {
        try {
            return Optional.of(new Candidate(openFitting(dir, expectedVersion), dir, location, root, why));
        } catch (Exception e) {
            reject(dir.toString(), why, e.getMessage());
            return Optional.empty();
        }
    }

    /** Opens the model in {@code dir} if it fits the job; otherwise closes it and says why. */
    private AudioClassifier openFitting(Path dir, String expectedVersion) throws Exception {
        AudioClassifier candidate = loader.open(dir);
        try {
            ModelContract contract = candidate.contract();
            Optional<String> unfit = ModelRoot.incompatibility(jobContract, contract);
            if (unfit.isEmpty() && expectedVersion != null && !expectedVersion.equals(contract.version())) {
                unfit = Optional.of("its contract says version " + contract.version() + ", not the expected " + expectedVersion);
            }
            if (unfit.isPresent()) {
                throw new IllegalArgumentException(unfit.get());
            }
            return candidate;
        } catch (RuntimeException e) {
            candidate.close();
            throw e;
        }
    }

    private void reject(String model, String why, String reason) {
        listener.rejected(model, why, reason);
        LOG.warn("rejected model {} ({}): {}; still serving {}", model, why, reason, servingDir);
    }

    /** Serves {@code candidate} from now on and watches its location; closes the model it replaces. */
    public void swap(Candidate candidate) {
        AudioClassifier replaced = replace(candidate);
        if (replaced != null) {
            replaced.close();
        }
    }

    /**
     * Serves {@code candidate} from now on and watches its location; returns the model it replaces (null if it
     * changes only what is watched), still open: for a caller that may still be scoring with it, and closes it later.
     */
    public AudioClassifier replace(Candidate candidate) {
        requireServing();
        if (!candidate.location.equals(watched)) {
            rejected.clear(); // those were versions of another root
        }
        watched = candidate.location;
        watchedIsRoot = candidate.root;
        if (!candidate.changesModel()) {
            return null;
        }
        AudioClassifier old = serving;
        Path from = servingDir;
        serving = candidate.classifier;
        servingDir = candidate.dir;
        ModelContract contract = serving.contract();
        LOG.info("switched model {} -> {} ({} v{}; {})", from, servingDir, contract.name(), contract.version(), candidate.why);
        listener.swapped(from, servingDir, contract, candidate.why);
        return old;
    }

    /** Closes a candidate that will not be swapped in. */
    public static void discard(Candidate candidate) {
        if (candidate.classifier != null) {
            candidate.classifier.close();
        }
    }

    /** When the contract was last written, and its size: a contract being written by a slow writer changes both. */
    private static long contractTime(Path dir) {
        Path contract = dir.resolve(ModelContract.FILE_NAME);
        try {
            return Files.getLastModifiedTime(contract).toMillis() * 1_000_003L + Files.size(contract);
        } catch (IOException e) {
            return -2;
        }
    }

    private void requireServing() {
        if (serving == null) {
            throw new IllegalStateException("no model is served yet: call start first");
        }
    }

    @Override
    public void close() {
        if (serving != null) {
            serving.close();
            serving = null;
        }
    }
}
