package dev.hark.cli.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hark.job.options.HarkOptions;
import dev.hark.job.features.WindowSettings;
import dev.hark.avro.AudioChunk;
import dev.hark.avro.Prediction;
import dev.hark.avro.wire.AudioChunks;
import dev.hark.cli.HarkCommand;
import dev.hark.data.DemoStreams;
import dev.hark.job.testing.KafkaBrokerExtension;
import dev.hark.job.testing.TestAudio;
import dev.hark.job.testing.TestJobs;
import dev.hark.job.testing.TopicReader;
import dev.hark.model.ModelContract;
import dev.hark.model.ModelVersions;
import dev.hark.job.ingest.ChunkEncoding;
import dev.hark.client.RealTimePacer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a real cluster goes through, with streams flowing in real time into an exactly-once job on the standalone
 * cluster (JobManager high availability through ZooKeeper, its job graphs and checkpoint pointers in a folder):
 * the TaskManager is killed with {@code kill -9} three times and started again, the broker is killed and restarted
 * once, and the JobManager is killed once and started again, when it recovers the job by itself. After each fault
 * the test waits for the job to run again and complete a checkpoint. A read_committed consumer must then see every
 * (stream, window) prediction exactly once: none lost, none repeated, and no chunk dead-lettered.
 */
class FaultsITCase {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    static final int STREAMS = 10;
    static final Duration RECOVERY = Duration.ofMinutes(3);
    static final Pattern JOB_ID = Pattern.compile("submitted job ([0-9a-f]{32})");

    @Test
    void everyWindowOnceThroughKilledTaskManagersABrokerRestartAndAJobManagerFailover(@TempDir Path dir)
            throws Exception {
        TestJobs.createTopics(KAFKA, "faults", 2);
        try (ZooKeeperProcess zookeeper = ZooKeeperProcess.start(dir.resolve("zookeeper"))) {
            Map<String, String> config = new LinkedHashMap<>();
            config.put("hark.model.dir", ModelVersions.BUNDLED.toAbsolutePath().normalize().toString());
            config.put("high-availability.type", "zookeeper");
            config.put("high-availability.zookeeper.quorum", zookeeper.quorum());
            config.put("high-availability.storageDir", dir.resolve("ha").toUri().toString());
            config.put("high-availability.cluster-id", "/hark-faults");
            config.put("high-availability.zookeeper.client.session-timeout", "4000");
            config.put("high-availability.zookeeper.client.connection-timeout", "3000");
            config.put("heartbeat.interval", "1000"); // a killed TaskManager is noticed in seconds, not 50 s
            config.put("heartbeat.timeout", "6000");
            config.put("restart-strategy.fixed-delay.attempts", "1000");
            config.put("restart-strategy.fixed-delay.delay", "1 s");
            try (StandaloneFlinkCluster cluster = StandaloneFlinkCluster.start(dir.resolve("cluster"), 2, config);
                 RealTimeStreams streams = new RealTimeStreams(KAFKA.bootstrapServers(), "faults-audio", STREAMS)) {
                FlinkRestClient client = new FlinkRestClient(cluster.restAddress(), Duration.ofSeconds(10));
                String jobId = submit(cluster);
                long checkpoint = awaitRunningWithCheckpointAfter(client, jobId, -1, cluster);
                streams.start();
                List<String> faults = new ArrayList<>();
                for (int i = 1; i <= 3; i++) {
                    Thread.sleep(8_000);
                    cluster.killTaskManager();
                    long killed = System.nanoTime();
                    Thread.sleep(2_000);
                    cluster.startTaskManager(false);
                    checkpoint = awaitRunningWithCheckpointAfter(client, jobId, checkpoint, cluster);
                    faults.add("kill -9 TaskManager #" + i + " (running again, checkpointed, after "
                            + seconds(killed) + " s)");
                }
                Thread.sleep(8_000);
                long brokerKilled = System.nanoTime();
                KAFKA.restart();
                checkpoint = awaitRunningWithCheckpointAfter(client, jobId, checkpoint, cluster);
                faults.add("kill -9 and restart of the broker (" + seconds(brokerKilled) + " s)");
                Thread.sleep(8_000);
                long jobManagerKilled = System.nanoTime();
                cluster.killJobManager();
                cluster.startJobManager();
                checkpoint = awaitRunningWithCheckpointAfter(client, jobId, checkpoint, cluster);
                faults.add("kill -9 JobManager, a new one recovered the job (" + seconds(jobManagerKilled) + " s)");
                Thread.sleep(5_000);
                Map<String, Integer> sent = streams.finish();

                ModelContract contract = ModelContract.read(ModelVersions.BUNDLED);
                WindowSettings windows = WindowSettings.of(contract, WindowSettings.hopFrames(contract.features(),
                        HarkOptions.WINDOW_HOP.defaultValue().toMillis()), 0);
                Set<String> expected = new HashSet<>();
                sent.forEach((id, samples) -> {
                    int n = windows.windowCount(samples);
                    for (int w = 0; w < n; w++) {
                        expected.add(id + "#" + w);
                    }
                });
                List<String> seen;
                int deadLetters;
                try (TopicReader reader = TopicReader.of(KAFKA.bootstrapServers(), "faults-predictions", "faults-dead")) {
                    seen = reader.untilCount("faults-predictions", expected.size(), RECOVERY)
                            .andFor(Duration.ofSeconds(5)) // two more checkpoints: a repeat would be in by now
                            .values("faults-predictions", Prediction.getDecoder()).stream()
                            .map(p -> p.getStreamId() + "#" + p.getWindowIndex()).toList();
                    deadLetters = reader.count("faults-dead");
                }
                Set<String> distinct = new HashSet<>(seen);
                Set<String> lost = new HashSet<>(expected);
                lost.removeAll(distinct);
                System.out.println("faults injected: " + faults.size() + " " + faults + "; windows expected "
                        + expected.size() + ", predicted " + seen.size() + ", lost " + lost.size() + ", repeated "
                        + (seen.size() - distinct.size()) + ", dead letters " + deadLetters);
                assertEquals(5, faults.size());
                assertEquals(Set.of(), lost, "no window lost");
                assertEquals(expected, distinct, "no window the streams did not have");
                assertEquals(distinct.size(), seen.size(), "no window repeated");
                assertEquals(0, deadLetters, "no chunk dead-lettered: every stream stayed in sequence");
                client.cancel(jobId);
            }
        }
    }

    private static long seconds(long sinceNanos) {
        return TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - sinceNanos);
    }

    private static String submit(StandaloneFlinkCluster cluster) {
        HarkCommand run = HarkCommand.run("submit", "--jobmanager", cluster.restAddress(),
                "--jar", StandaloneFlinkCluster.jobJar().toString(), "--parallelism", "2",
                "--hark.kafka.bootstrap-servers", KAFKA.bootstrapServers(), "--hark.kafka.group-id", "faults",
                "--hark.topic.audio", "faults-audio", "--hark.topic.predictions", "faults-predictions",
                "--hark.topic.dead-letters", "faults-dead", "--hark.kafka.starting-offsets", "earliest",
                "--hark.sink.delivery-guarantee", "exactly-once", "--execution.checkpointing.interval", "1 s");
        assertEquals(0, run.exit(), run.err() + "\n" + cluster.tail("jobmanager"));
        Matcher id = JOB_ID.matcher(run.out());
        assertTrue(id.find(), run.out());
        return id.group(1);
    }

    /**
     * Waits until every task of the job runs and a checkpoint later than {@code after} has completed (the job is
     * past its recovery, with its state saved again); returns that checkpoint's id.
     */
    private static long awaitRunningWithCheckpointAfter(FlinkRestClient client, String jobId, long after,
                                                        StandaloneFlinkCluster cluster) throws InterruptedException {
        long deadline = System.nanoTime() + RECOVERY.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                JsonNode job = client.get("/jobs/" + jobId, "the job");
                boolean running = job.path("state").asText().equals("RUNNING");
                for (JsonNode vertex : job.path("vertices")) {
                    running &= vertex.path("status").asText().equals("RUNNING");
                }
                long latest = client.get("/jobs/" + jobId + "/checkpoints", "checkpoints")
                        .path("latest").path("completed").path("id").asLong(-1);
                if (running && latest > after) {
                    return latest;
                }
            } catch (RuntimeException notNow) {
                // the JobManager is coming back (its REST API refuses), or the job is not yet recovered on it
            }
            Thread.sleep(500);
        }
        throw new AssertionError("the job did not run again with a new checkpoint in " + RECOVERY.toSeconds() + " s:\n"
                + cluster.tail("jobmanager") + cluster.tail("taskmanager"));
    }

    /**
     * Streams of 16 kHz audio sent in real time, one 100 ms chunk per stream every 100 ms (the demo audio, looped),
     * by an idempotent producer with acks=all: a broker restart neither loses nor repeats a chunk on the topic.
     */
    static final class RealTimeStreams implements AutoCloseable {
        private final KafkaProducer<byte[], byte[]> producer;
        private final String topic;
        private final List<float[]> audio = new ArrayList<>();
        private final AtomicBoolean stop = new AtomicBoolean();
        private final Map<String, Integer> samplesSent = new LinkedHashMap<>();
        private final List<AudioChunk> last = new ArrayList<>();
        private Thread thread;
        private volatile Exception failure;

        RealTimeStreams(String bootstrapServers, String topic, int streams) {
            this.producer = TestAudio.producer(bootstrapServers);
            this.topic = topic;
            List<DemoStreams.Loaded> demo = TestAudio.demoStreams();
            for (int i = 0; i < streams; i++) {
                audio.add(demo.get(i % demo.size()).audio().samples());
            }
        }

        void start() {
            long origin = System.currentTimeMillis();
            thread = new Thread(() -> {
                try {
                    long[] position = new long[audio.size()];
                    RealTimePacer.run(origin, 100, true, tick -> {
                        if (stop.get()) {
                            return false;
                        }
                        last.clear();
                        for (int s = 0; s < audio.size(); s++) {
                            float[] source = audio.get(s);
                            float[] chunk = new float[1600];
                            for (int k = 0; k < chunk.length; k++) {
                                chunk[k] = source[(int) ((position[s] + k) % source.length)];
                            }
                            position[s] += chunk.length;
                            String id = "faulty-" + s;
                            AudioChunk c = ChunkEncoding.pcm16(id, chunk, 16000, chunk.length, origin + tick * 100).get(0);
                            c.setSequence(tick);
                            producer.send(ChunkEncoding.record(topic, c));
                            samplesSent.merge(id, chunk.length, Integer::sum);
                            last.add(c);
                        }
                        return true;
                    });
                } catch (Exception e) {
                    failure = e;
                }
            }, "real-time-streams");
            thread.start();
        }

        /** Stops the streams, ends each with an end-of-stream chunk; returns the samples sent per stream. */
        Map<String, Integer> finish() throws Exception {
            stop.set(true);
            thread.join(TimeUnit.SECONDS.toMillis(30));
            if (failure != null) {
                throw failure;
            }
            for (AudioChunk c : last) {
                producer.send(ChunkEncoding.record(topic, AudioChunks.endOf(c)));
            }
            producer.flush();
            return samplesSent;
        }

        @Override
        public void close() {
            stop.set(true);
            producer.close(Duration.ofSeconds(30));
        }
    }
}
