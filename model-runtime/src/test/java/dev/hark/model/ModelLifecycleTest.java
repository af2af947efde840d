package dev.hark.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One task's model, from first load to close, without Flink: every model opened is served or closed. */
class ModelLifecycleTest {
    private final ModelContract job = read(ModelVersions.BUNDLED);
    /** Every classifier the lifecycle opened. */
    private final List<AudioClassifier> opened = new ArrayList<>();
    private final List<String> rejections = new ArrayList<>();
    private final List<String> swaps = new ArrayList<>();

    private static ModelContract read(Path dir) {
        try {
            return ModelContract.read(dir);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private ModelLifecycle lifecycle() {
        return new ModelLifecycle(job, Path::of, dir -> {
            AudioClassifier c = new AudioClassifier(dir, 1, 1);
            opened.add(c);
            return c.open();
        }, new ModelLifecycle.Listener() {
            @Override
            public void swapped(Path from, Path to, ModelContract contract, String why) {
                swaps.add(contract.version());
            }

            @Override
            public void rejected(String model, String why, String reason) {
                rejections.add(reason);
            }
        });
    }

    /** Only the served model is open: every other one opened was closed. */
    private void assertOnlyServedIsOpen(ModelLifecycle lifecycle) {
        for (AudioClassifier c : opened) {
            assertEquals(lifecycle.isServing() && c == lifecycle.classifier(), c.isOpen(), "open models: " + opened);
        }
    }

    private static void republish(Path version) throws IOException {
        Files.setLastModifiedTime(version.resolve(ModelContract.FILE_NAME),
                FileTime.fromMillis(System.currentTimeMillis() + 60_000));
    }

    @Test
    void followsAModelRootAndClosesEveryModelItReplacesOrRejects(@TempDir Path root) throws Exception {
        ModelVersions.add(root, "1");
        try (ModelLifecycle lifecycle = lifecycle()) {
            lifecycle.start(root.toString());
            assertEquals("1", lifecycle.contract().version());
            assertEquals(Optional.empty(), lifecycle.poll().map(c -> c.dir()), "nothing newer");

            ModelVersions.add(root, "2");
            ModelLifecycle.Candidate two = lifecycle.poll().orElseThrow();
            assertEquals("1", lifecycle.contract().version(), "not served before the swap");
            lifecycle.swap(two);
            assertEquals("2", lifecycle.contract().version());
            assertOnlyServedIsOpen(lifecycle);

            Path broken = ModelVersions.addBroken(root, "3");
            assertTrue(lifecycle.poll().isEmpty(), "a version that does not load is rejected");
            ModelVersions.add(root, "4", c -> c.withVersion("4").withFeatures(c.features().withMfcc(13)));
            assertTrue(lifecycle.poll().isEmpty(), "a version with other features does not fit the job");
            assertTrue(rejections.get(rejections.size() - 1).contains("features"), rejections.toString());
            assertOnlyServedIsOpen(lifecycle);
            int rejected = rejections.size();
            assertTrue(lifecycle.poll().isEmpty());
            assertEquals(rejected, rejections.size(), "a rejected version is not tried at every poll");

            ModelVersions.add(root, "10");
            lifecycle.swap(lifecycle.poll().orElseThrow());
            assertEquals("10", lifecycle.contract().version(), "10 is newer than 4: numbers compare as numbers");

            Files.walk(root.resolve("10")).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            Files.walk(root.resolve("4")).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            Files.write(broken.resolve("saved_model.pb"), Files.readAllBytes(ModelVersions.BUNDLED.resolve("saved_model.pb")));
            assertTrue(lifecycle.poll().isEmpty(), "3 is repaired, but its contract was not written again");
            republish(broken);
            lifecycle.swap(lifecycle.poll().orElseThrow());
            assertEquals("3", lifecycle.contract().version(), "republished: tried again, and served");
            assertEquals(List.of("2", "10", "3"), swaps);
            assertOnlyServedIsOpen(lifecycle);
        }
        assertFalse(opened.stream().anyMatch(AudioClassifier::isOpen), "closing the lifecycle closes the served model");
    }

    @Test
    void startsOnTheNewestVersionThatLoadsAndFailsCleanWhenNoneDoes(@TempDir Path root) throws Exception {
        ModelVersions.add(root, "1");
        ModelVersions.addBroken(root, "2");
        try (ModelLifecycle lifecycle = lifecycle()) {
            lifecycle.start(root.toString());
            assertEquals("1", lifecycle.contract().version(), "a broken newest version does not stop a restart");
            assertTrue(lifecycle.poll().isEmpty(), "and is not tried again at the next poll");
        }
        ModelVersions.addBroken(root.resolve("none"), "x");
        ModelVersions.add(root.resolve("none"), "y", c -> c.withVersion("y").withFeatures(c.features().withMfcc(13)));
        try (ModelLifecycle lifecycle = lifecycle()) {
            IOException e = assertThrows(IOException.class, () -> lifecycle.start(root.resolve("none").toString()));
            assertTrue(e.getMessage().contains("no model under"), e.getMessage());
            assertFalse(lifecycle.isServing());
        }
        assertFalse(opened.stream().anyMatch(AudioClassifier::isOpen), "every model opened was closed: " + opened);
    }

    @Test
    void checksAnAnnouncedModelBeforeItIsSwappedIn(@TempDir Path dir) throws Exception {
        Path five = ModelVersions.add(dir, "5");
        Path other = ModelVersions.add(dir.resolve("root"), "7");
        try (ModelLifecycle lifecycle = lifecycle()) {
            lifecycle.start(ModelVersions.BUNDLED.toString());
            String bundled = lifecycle.contract().version();
            assertTrue(lifecycle.check(dir.resolve("nowhere").toString(), null, "test").isEmpty(), "no such location");
            assertTrue(lifecycle.check(five.toString(), "6", "test").isEmpty(), "not the expected version");
            assertTrue(rejections.get(rejections.size() - 1).contains("not the expected 6"), rejections.toString());
            assertOnlyServedIsOpen(lifecycle);
            assertEquals(bundled, lifecycle.contract().version());

            ModelLifecycle.Candidate announced = lifecycle.check(five.toString(), "5", "test").orElseThrow();
            assertTrue(announced.changesModel());
            ModelLifecycle.discard(announced);
            assertOnlyServedIsOpen(lifecycle);

            ModelLifecycle.Candidate same = lifecycle.check(ModelVersions.BUNDLED.toString(), bundled, "test").orElseThrow();
            assertFalse(same.changesModel(), "the model served already: nothing to load");

            lifecycle.swap(lifecycle.check(other.getParent().toString(), null, "test").orElseThrow());
            assertEquals("7", lifecycle.contract().version(), "a root's newest version");
            ModelVersions.add(dir.resolve("root"), "8");
            lifecycle.swap(lifecycle.poll().orElseThrow());
            assertEquals("8", lifecycle.contract().version(), "the announced root is watched from then on");
            assertOnlyServedIsOpen(lifecycle);
        }
    }
}
