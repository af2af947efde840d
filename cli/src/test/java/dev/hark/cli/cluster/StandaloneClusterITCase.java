package dev.hark.cli.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hark.avro.Prediction;
import dev.hark.cli.HarkCommand;
import dev.hark.data.DemoStreams;
import dev.hark.job.testing.KafkaBrokerExtension;
import dev.hark.job.testing.TestAudio;
import dev.hark.job.testing.TestJobs;
import dev.hark.job.testing.TopicReader;
import dev.hark.model.ModelVersions;
import dev.hark.job.ingest.ChunkEncoding;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job jar on a real Flink cluster: a standalone JobManager and TaskManager in JVMs of their own, TensorFlow in
 * the TaskManager's lib/, the job submitted with {@code bin/hark submit} through the REST API. Audio streams end to
 * end through Kafka; the job is cancelled and submitted again on the same TaskManager, which keeps one copy of
 * TensorFlow's native library; then it is stopped with a savepoint ({@code bin/hark savepoint --stop}) and resumed
 * from it, and a read_committed consumer sees every window once. Flink's own {@code flink run} takes the jar as it is.
 */
class StandaloneClusterITCase {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    static final Duration WAIT = Duration.ofSeconds(90);
    static final Pattern JOB_ID = Pattern.compile("submitted job ([0-9a-f]{32})");

    private static HarkCommand hark(String... args) {
        return HarkCommand.run(args);
    }

    /** bin/hark submit with the job's topics; the model comes from the cluster's configuration. */
    private static String submit(StandaloneFlinkCluster cluster, String prefix, String... more) {
        List<String> args = new ArrayList<>(List.of("submit", "--jobmanager", cluster.restAddress(),
                "--jar", StandaloneFlinkCluster.jobJar().toString(), "--parallelism", "2",
                "--hark.kafka.bootstrap-servers", KAFKA.bootstrapServers(), "--hark.kafka.group-id", prefix,
                "--hark.topic.audio", prefix + "-audio", "--hark.topic.predictions", prefix + "-predictions",
                "--hark.topic.dead-letters", prefix + "-dead", "--hark.kafka.starting-offsets", "earliest",
                "--hark.window.hop", "1 s", "--execution.checkpointing.interval", "1 s"));
        args.addAll(List.of(more));
        HarkCommand run = hark(args.toArray(String[]::new));
        assertEquals(0, run.exit(), run.err() + "\n" + cluster.tail("jobmanager"));
        assertTrue(run.out().contains("web UI: http://" + cluster.restAddress() + "/#/job/running/"), run.out());
        Matcher id = JOB_ID.matcher(run.out());
        assertTrue(id.find(), run.out());
        return id.group(1);
    }

    private static void topics(String prefix) {
        TestJobs.createTopics(KAFKA, prefix, 2);
    }

    private static void send(String prefix, String stream, float[] audio, long start) {
        TestAudio.send(KAFKA.bootstrapServers(), prefix + "-audio", ChunkEncoding.pcm16(stream, audio, 16000, 1600, start));
    }

    /** Copies of TensorFlow's JNI library mapped into the TaskManager: one per class loader that loaded TensorFlow. */
    private static long tensorFlowCopies(StandaloneFlinkCluster cluster) throws IOException {
        return Files.readAllLines(Path.of("/proc", Long.toString(cluster.taskManagerPid()), "maps")).stream()
                .filter(line -> line.contains("libjnitensorflow"))
                .map(line -> line.substring(line.indexOf('/'))).distinct().count();
    }

    private static void awaitState(FlinkRestClient client, String jobId, String state) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!client.state(jobId).equals(state) && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertEquals(state, client.state(jobId));
    }

    @Test
    void runsSubmitsAgainAndResumesFromASavepoint(@TempDir Path dir) throws Exception {
        DemoStreams.Loaded sample = TestAudio.demoStreams().get(0);
        float[] audio = java.util.Arrays.copyOf(sample.audio().samples(), 3 * 16000); // 3 windows of 1 s
        topics("first");
        topics("second");
        topics("third");
        Map<String, String> config = Map.of("hark.model.dir", ModelVersions.BUNDLED.toAbsolutePath().normalize().toString());
        try (StandaloneFlinkCluster cluster = StandaloneFlinkCluster.start(dir, 2, config)) {
            FlinkRestClient client = new FlinkRestClient(cluster.restAddress(), Duration.ofSeconds(30));

            String first = submit(cluster, "first");
            send("first", "one", audio, 0);
            try (TopicReader reader = TopicReader.of(KAFKA.bootstrapServers(), "first-predictions")) {
                List<Prediction> predictions = reader.untilCount("first-predictions", 3, WAIT)
                        .values("first-predictions", Prediction.getDecoder());
                assertEquals(3, predictions.size(), cluster.tail("taskmanager"));
                assertEquals("one", predictions.get(0).getStreamId());
            }
            assertEquals(1, tensorFlowCopies(cluster), "TensorFlow loaded from the TaskManager's lib/");

            HarkCommand cancelled = hark("cancel", "--jobmanager", cluster.restAddress(), first);
            assertEquals(0, cancelled.exit(), cancelled.err());
            awaitState(client, first, "CANCELED");

            // Again on the same TaskManager: TensorFlow is loaded already, its natives are not loaded a second time.
            String second = submit(cluster, "second");
            send("second", "two", audio, 0);
            try (TopicReader reader = TopicReader.of(KAFKA.bootstrapServers(), "second-predictions")) {
                reader.untilCount("second-predictions", 3, WAIT);
            }
            assertEquals(1, tensorFlowCopies(cluster), "one copy of TensorFlow's natives for both jobs");

            HarkCommand stopped = hark("savepoint", "--jobmanager", cluster.restAddress(), "--stop", second);
            assertEquals(0, stopped.exit(), stopped.err());
            String savepoint = stopped.out().substring(stopped.out().lastIndexOf(' ') + 1).trim();
            assertTrue(savepoint.startsWith("file:"), stopped.out());
            awaitState(client, second, "FINISHED");

            send("second", "three", audio, 10_000); // while the job is stopped
            String resumed = submit(cluster, "second", "--from-savepoint", savepoint);
            List<String> seen;
            try (TopicReader reader = TopicReader.of(KAFKA.bootstrapServers(), "second-predictions")) {
                seen = reader.untilCount("second-predictions", 6, WAIT).andFor(Duration.ofSeconds(3))
                        .values("second-predictions", Prediction.getDecoder()).stream()
                        .map(p -> p.getStreamId() + "#" + p.getWindowIndex()).sorted().toList();
            }
            assertEquals(List.of("three#0", "three#1", "three#2", "two#0", "two#1", "two#2"), seen,
                    "each window once across the stop and the resume");
            assertEquals(1, tensorFlowCopies(cluster));
            hark("cancel", "--jobmanager", cluster.restAddress(), resumed);
            awaitState(client, resumed, "CANCELED");

            // The same jar through Flink's own command line, as it is: flink run -d JAR --hark...
            String output = cluster.flinkCli(List.of("run", "-d", "-p", "2", StandaloneFlinkCluster.jobJar().toString(),
                    "--hark.kafka.bootstrap-servers", KAFKA.bootstrapServers(), "--hark.kafka.group-id", "third",
                    "--hark.topic.audio", "third-audio", "--hark.topic.predictions", "third-predictions",
                    "--hark.topic.dead-letters", "third-dead", "--hark.kafka.starting-offsets", "earliest",
                    "--hark.window.hop", "1 s", "--execution.checkpointing.interval", "1 s"));
            Matcher submitted = Pattern.compile("JobID ([0-9a-f]{32})").matcher(output);
            assertTrue(submitted.find(), output);
            send("third", "four", audio, 0);
            try (TopicReader reader = TopicReader.of(KAFKA.bootstrapServers(), "third-predictions")) {
                assertEquals(3, reader.untilCount("third-predictions", 3, WAIT).count("third-predictions"),
                        cluster.tail("taskmanager"));
            }
            hark("cancel", "--jobmanager", cluster.restAddress(), submitted.group(1));
        }
    }

    @Test
    void theJarWithTensorFlowRunsWhereTheTaskManagerHasNone(@TempDir Path dir) throws Exception {
        DemoStreams.Loaded sample = TestAudio.demoStreams().get(0);
        topics("fat");
        Map<String, String> config = Map.of("hark.model.dir", ModelVersions.BUNDLED.toAbsolutePath().normalize().toString());
        try (StandaloneFlinkCluster cluster = StandaloneFlinkCluster.start(dir, 1, config, false)) {
            HarkCommand run = hark("submit", "--jobmanager", cluster.restAddress(), "--jar",
                    StandaloneFlinkCluster.jobJarWithTensorFlow().toString(), "--parallelism", "1",
                    "--hark.kafka.bootstrap-servers", KAFKA.bootstrapServers(), "--hark.kafka.group-id", "fat",
                    "--hark.topic.audio", "fat-audio", "--hark.topic.predictions", "fat-predictions",
                    "--hark.topic.dead-letters", "fat-dead", "--hark.kafka.starting-offsets", "earliest",
                    "--hark.window.hop", "1 s", "--execution.checkpointing.interval", "1 s");
            assertEquals(0, run.exit(), run.err() + "\n" + cluster.tail("jobmanager"));
            send("fat", "five", java.util.Arrays.copyOf(sample.audio().samples(), 2 * 16000), 0);
            try (TopicReader reader = TopicReader.of(KAFKA.bootstrapServers(), "fat-predictions")) {
                assertEquals(2, reader.untilCount("fat-predictions", 2, WAIT).count("fat-predictions"),
                        cluster.tail("taskmanager"));
            }
            assertEquals(1, tensorFlowCopies(cluster), "TensorFlow from the job's own class loader");
        }
    }

    @Test
    void explainsWhatGoesWrong(@TempDir Path dir) throws Exception {
        HarkCommand.refused("no JobManager answers at http://127.0.0.1:",
                "submit", "--jobmanager", "127.0.0.1:" + StandaloneFlinkCluster.freePort(),
                "--jar", StandaloneFlinkCluster.jobJar().toString(), "--hark.kafka.bootstrap-servers", "127.0.0.1:1");

        HarkCommand.refused("did you mean hark.topic.predictions?",
                "submit", "--jobmanager", "127.0.0.1:1", "--hark.topic.predicitons", "out");

        HarkCommand.refused("--jobmanager", "submit", "--jobmanger", "127.0.0.1:1");

        Path notAJar = dir.resolve("hark.jar");
        Files.writeString(notAJar, "not a jar");
        try (StandaloneFlinkCluster cluster = StandaloneFlinkCluster.start(dir.resolve("cluster"), 1, Map.of())) {
            // The address submit prints is Flink's web UI.
            var page = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://" + cluster.restAddress() + "/")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(200, page.statusCode());
            assertTrue(page.body().contains("Apache Flink"), page.body());

            HarkCommand.refused("could not start the job",
                    "submit", "--jobmanager", cluster.restAddress(), "--jar", notAJar.toString(),
                    "--hark.kafka.bootstrap-servers", "127.0.0.1:1");

            HarkCommand.refused("is neither a model folder", "submit", "--jobmanager", cluster.restAddress(), "--jar",
                    StandaloneFlinkCluster.jobJar().toString(), "--hark.kafka.bootstrap-servers", "127.0.0.1:1",
                    "--hark.model.dir", "/no/such/model");
        }
    }
}
