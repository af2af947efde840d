package dev.hark.cli;

import static dev.hark.cli.RunningCommand.figure;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hark.avro.AudioChunk;
import dev.hark.data.DemoStreams;
import dev.hark.job.testing.KafkaBrokerExtension;
import dev.hark.job.testing.TestAudio;
import dev.hark.job.testing.TestJobs;
import dev.hark.model.ModelVersions;
import dev.hark.job.ingest.ChunkEncoding;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/hark run keeps checkpoints in a folder by default: with enough open streams that the job's state outgrows what
 * the JobManager's memory accepts, checkpoints still complete and the job never restarts; the JobManager's memory,
 * Flink's own default, fails on the same input.
 */
class DurableCheckpointsITCase {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    /** Streams left open (no end-of-stream), each holding a partial window in the job's keyed state. */
    private static final int STREAMS = 640;
    private static final Pattern CHECKPOINT_MB = Pattern.compile("\\| checkpoint (\\d+), \\d+ s ago, ([\\d.]+) MB");

    /** {@link #STREAMS} streams of 1.2 s each, sent as fast as possible; returns how many chunks. */
    private static int sendOpenStreams(String topic) {
        DemoStreams.Loaded sample = TestAudio.demoStreams().get(0);
        int rate = sample.audio().sampleRate();
        float[] audio = Arrays.copyOf(sample.audio().samples(), rate * 12 / 10);
        int chunks = 0;
        try (KafkaProducer<byte[], byte[]> producer = TestAudio.producer(KAFKA.bootstrapServers())) {
            for (int s = 0; s < STREAMS; s++) {
                for (AudioChunk chunk : ChunkEncoding.pcm16("open-" + s, audio, rate, rate / 10, 0)) {
                    producer.send(ChunkEncoding.record(topic, chunk));
                    chunks++;
                }
            }
        }
        return chunks;
    }

    private static double megabytes(String statusLine) {
        Matcher m = CHECKPOINT_MB.matcher(statusLine);
        return m.find() ? Double.parseDouble(m.group(2)) : 0;
    }

    private static RunningCommand run(String prefix, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("run", "--bootstrap-servers", KAFKA.bootstrapServers(),
                "--web-port", "0", "--status-every", "1", "--audio-topic", prefix + "-audio", "--predictions-topic",
                prefix + "-predictions", "--dead-letter-topic", prefix + "-dead", "--delivery-guarantee", "AT_LEAST_ONCE",
                "--checkpoint-interval-ms", "1000", "--model", ModelVersions.BUNDLED.toString()));
        args.addAll(List.of(more));
        return RunningCommand.start(args.toArray(String[]::new));
    }

    @Test
    void checkpointsLargerThanTheJobManagerAcceptsGoToAFolder(@TempDir Path checkpoints) throws Exception {
        TestJobs.createTopics(KAFKA, "durable", 4);
        int chunks = sendOpenStreams("durable-audio");
        RunningCommand run = run("durable", "--checkpoint-dir", checkpoints.toString());
        try {
            assertTrue(run.awaitLine(l -> l.startsWith("checkpoints: "), Duration.ofMinutes(1))
                    .startsWith("checkpoints: " + checkpoints.toUri()), run.out().toString());
            String line = run.awaitLine(l -> figure(l, "chunks in") == chunks && megabytes(l) > 5
                    && l.contains("restarts 0"), Duration.ofMinutes(3));
            assertTrue(line.contains("restarts 0"), line);
            try (Stream<Path> files = Files.walk(checkpoints)) {
                assertTrue(files.anyMatch(p -> p.getFileName().toString().startsWith("chk-")),
                        "the checkpoints are in the folder");
            }
        } finally {
            run.cancel();
        }
    }

    @Test
    void theJobManagersMemoryFailsOnTheSameInput(@TempDir Path dir) throws Exception {
        TestJobs.createTopics(KAFKA, "memory", 4);
        int chunks = sendOpenStreams("memory-audio");
        Path config = dir.resolve("jobmanager-storage.yaml");
        Files.writeString(config, "execution.checkpointing.storage: jobmanager\n");
        RunningCommand run = run("memory", "--config", config.toString());
        try {
            run.awaitLine(l -> l.startsWith("checkpoints: in the JobManager's memory"), Duration.ofMinutes(1));
            String line = run.awaitLine(l -> figure(l, "restarts") >= 1 && l.contains("last failure"),
                    Duration.ofMinutes(3));
            assertTrue(line.contains("Exceeded checkpoint tolerable failure threshold"), line);
        } finally {
            run.cancel();
        }
    }
}
