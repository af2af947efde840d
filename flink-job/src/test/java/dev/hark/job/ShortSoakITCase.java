package dev.hark.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hark.job.config.CheckpointStorage;
import dev.hark.job.options.HarkOptions;
import dev.hark.job.options.JobSettings;
import dev.hark.job.features.WindowSettings;
import dev.hark.avro.AudioChunk;
import dev.hark.avro.Prediction;
import dev.hark.data.DemoStreams;
import dev.hark.job.testing.CheckpointFolder;
import dev.hark.job.testing.KafkaBrokerExtension;
import dev.hark.job.testing.LoopbackMiniCluster;
import dev.hark.job.testing.TestAudio;
import dev.hark.job.testing.TestJobs;
import dev.hark.job.testing.TopicReader;
import dev.hark.job.ingest.ChunkEncoding;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The soak in short (the long one is docs/bench/soak.sh): rounds of 40 streams, half ended with an end-of-stream
 * chunk and half just going silent, through a running job. After each round, once the idle timeout has passed, the
 * checkpoint is back to its size before any stream: no state is left for streams that ended or went idle, round
 * after round.
 */
class ShortSoakITCase {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK = LoopbackMiniCluster.create();

    static final int ROUNDS = 3;
    static final int STREAMS = 40;
    static final Duration IDLE = Duration.ofSeconds(2);

    @Test
    void checkpointsGoBackToTheirSizeWithoutStreamsAfterEveryRound(@TempDir Path checkpoints) throws Exception {
        Configuration conf = TestJobs.configuration(KAFKA, "soak", 2);
        conf.set(HarkOptions.STREAM_IDLE_TIMEOUT, IDLE);
        JobSettings settings = JobSettings.from(conf);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        Configuration storage = new Configuration();
        CheckpointStorage.useFileSystem(storage, checkpoints.toString());
        env.configure(storage);
        env.enableCheckpointing(300);
        JobClient job = HarkJob.start(env, conf);
        List<DemoStreams.Loaded> demo = TestAudio.demoStreams();
        WindowSettings windows = settings.windows();
        List<String> sizes = new ArrayList<>();
        try (TopicReader reader = TopicReader.of(KAFKA.bootstrapServers(), "soak-predictions")) {
            long baseline = settledCheckpointBytes(checkpoints);
            int expected = 0;
            for (int round = 0; round < ROUNDS; round++) {
                long start = System.currentTimeMillis() - 60_000;
                for (int s = 0; s < STREAMS; s++) {
                    DemoStreams.Loaded audio = demo.get(s % demo.size());
                    List<AudioChunk> chunks = new ArrayList<>(ChunkEncoding.pcm16("round" + round + "-" + s,
                            audio.audio().samples(), 16000, 1600, start));
                    if (s % 2 == 0) { // ended; the others just go silent
                        chunks.add(dev.hark.avro.wire.AudioChunks.endOf(chunks.get(chunks.size() - 1)));
                    }
                    TestAudio.send(KAFKA.bootstrapServers(), "soak-audio", chunks);
                    int n = windows.windowCount(audio.audio().samples().length);
                    // A silent stream's last window is complete only once a later chunk comes: count the sure ones.
                    expected += s % 2 == 0 ? n : n - 1;
                }
                int wanted = expected;
                reader.untilCount("soak-predictions", wanted, Duration.ofSeconds(90));
                assertTrue(reader.count("soak-predictions") >= wanted, "round " + round + " predicted");
                long during = CheckpointFolder.newestCompleteBytes(checkpoints);
                long after = checkpointBytesOnceAtMost(checkpoints, baseline + 2_048,
                        IDLE.multipliedBy(3).plusSeconds(60));
                sizes.add("round " + round + ": " + during + " B with streams, " + after + " B after");
                assertTrue(after <= baseline + 2_048, "round " + round + ": " + after + " B of checkpoint after the"
                        + " streams ended or went idle, " + baseline + " B before any stream (" + sizes + ")");
            }
            System.out.println("checkpoint before any stream " + baseline + " B; " + sizes);
        } finally {
            job.cancel().get();
        }
        assertEquals(ROUNDS, sizes.size());
    }

    /**
     * Settled checkpoint sizes, until one is at most {@code limit} bytes (the idle timers have freed every stream) or
     * {@code within} has passed; the last size seen.
     */
    private static long checkpointBytesOnceAtMost(Path root, long limit, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        long bytes;
        do {
            bytes = settledCheckpointBytes(root);
        } while (bytes > limit && System.nanoTime() < deadline);
        return bytes;
    }

    /** The newest complete checkpoint's size once two more have completed (so it reflects the state of now). */
    private static long settledCheckpointBytes(Path root) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        long first = -1;
        while (System.nanoTime() < deadline) {
            long number = CheckpointFolder.newestCompleteNumber(root);
            if (first < 0 && number >= 0) {
                first = number;
            }
            if (first >= 0 && number >= first + 2) {
                return CheckpointFolder.newestCompleteBytes(root);
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no checkpoints completed in " + root);
    }
}
