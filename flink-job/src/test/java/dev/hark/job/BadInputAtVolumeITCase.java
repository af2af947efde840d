package dev.hark.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hark.job.config.CheckpointStorage;
import dev.hark.job.options.HarkOptions;
import dev.hark.job.options.JobSettings;
import dev.hark.job.features.WindowSettings;
import dev.hark.avro.AudioChunk;
import dev.hark.avro.DeadLetter;
import dev.hark.avro.Prediction;
import dev.hark.data.DemoStreams;
import dev.hark.job.ingest.ChunkDecoding;
import dev.hark.job.ingest.RawRecord;
import dev.hark.job.order.StreamLimits;
import dev.hark.job.testing.BadRecords;
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
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Over 10,000 malformed records of twenty kinds over 50 stream ids, interleaved with ten good streams, into an
 * exactly-once job at parallelism 2 that may not restart even once: every bad record is accounted for (a dead letter
 * with a reason its kind allows, or accepted as the valid audio it still was), every good window is predicted once,
 * and no checkpoint outgrows the state budget of the stream limits.
 */
class BadInputAtVolumeITCase {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK = LoopbackMiniCluster.create();

    static final int BAD_RECORDS = 10_500;
    static final int BIG_CHUNKS = 40;
    static final int LIVE_STREAMS_PER_SUBTASK = 30;
    static final MemorySize WAITING_BYTES = MemorySize.parse("64kb");

    @Test
    void everyBadRecordIsAccountedForAndEveryGoodWindowPredictedWithinTheStateBudget(@TempDir Path checkpoints)
            throws Exception {
        Configuration conf = TestJobs.configuration(KAFKA, "bad", 4);
        conf.set(HarkOptions.DELIVERY_GUARANTEE, DeliveryGuarantee.EXACTLY_ONCE);
        conf.set(HarkOptions.MAX_LIVE_STREAMS, LIVE_STREAMS_PER_SUBTASK);
        conf.set(HarkOptions.MAX_WAITING_BYTES, WAITING_BYTES);
        JobSettings settings = JobSettings.from(conf);
        long now = System.currentTimeMillis();

        // Ten good streams, started before the flood (live streams are never refused), then everything interleaved.
        List<DemoStreams.Loaded> demo = TestAudio.demoStreams();
        Map<String, List<AudioChunk>> good = new TreeMap<>();
        for (int i = 0; i < 10; i++) {
            DemoStreams.Loaded s = demo.get(i % demo.size());
            good.put("good-" + i, ChunkEncoding.pcm16("good-" + i, s.audio().samples(), s.audio().sampleRate(), 1600,
                    now - 40_000 + i * 37));
        }
        List<String> badIds = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            badIds.add("bad-" + i);
        }
        List<BadRecords.Record> bad = new BadRecords(13, badIds, now).generate(BAD_RECORDS, BIG_CHUNKS);
        List<ProducerRecord<byte[], byte[]>> firsts = new ArrayList<>();
        List<List<ProducerRecord<byte[], byte[]>>> goodRest = new ArrayList<>();
        for (List<AudioChunk> chunks : good.values()) {
            firsts.add(ChunkEncoding.record("bad-audio", chunks.get(0)));
            goodRest.add(new ArrayList<>(chunks.subList(1, chunks.size()).stream()
                    .map(c -> ChunkEncoding.record("bad-audio", c)).toList()));
        }
        Map<String, BadRecords.Record> badAt = send(firsts, goodRest, bad);

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        Configuration runtime = new Configuration();
        runtime.set(RestartStrategyOptions.RESTART_STRATEGY, "none"); // one failure and the job is over
        CheckpointStorage.useFileSystem(runtime, checkpoints.toString());
        env.configure(runtime);
        env.enableCheckpointing(1000);
        JobClient job = HarkJob.start(env, conf);
        AtomicLong largestCheckpoint = new AtomicLong();
        Thread sizes = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                largestCheckpoint.accumulateAndGet(CheckpointFolder.largestBytes(checkpoints), Math::max);
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "checkpoint-sizes");
        sizes.setDaemon(true);
        sizes.start();

        Set<String> expected = expectedWindows(settings, good.keySet(), demo);
        List<Prediction> predictions;
        List<DeadLetter> deadLetters;
        long mustBeDeadLettered = bad.stream().filter(r -> !r.kind().mayBeAccepted).count();
        try (TopicReader reader = TopicReader.of(KAFKA.bootstrapServers(), "bad-predictions", "bad-dead")) {
            reader.until(r -> goodWindows(r.values("bad-predictions", Prediction.getDecoder())).size() >= expected.size()
                    && r.count("bad-dead") >= mustBeDeadLettered, Duration.ofMinutes(4))
                    .andFor(Duration.ofSeconds(4)); // two more checkpoints: what was late, or repeated, is in now
            predictions = reader.values("bad-predictions", Prediction.getDecoder());
            deadLetters = reader.values("bad-dead", DeadLetter.getDecoder());
        } finally {
            sizes.interrupt();
            sizes.join();
        }
        assertEquals(JobStatus.RUNNING, job.getJobStatus().get(), "the job never failed (it may not restart)");
        job.cancel().get();

        List<String> goodSeen = goodWindows(predictions);
        assertEquals(expected, new HashSet<>(goodSeen), "every good window predicted");
        assertEquals(expected.size(), goodSeen.size(), "each exactly once");

        Map<String, String> reasonAt = new HashMap<>();
        for (DeadLetter d : deadLetters) {
            String at = d.getSourcePartition() + "@" + d.getSourceOffset();
            assertTrue(reasonAt.put(at, d.getReason()) == null, "one dead letter per record, twice for " + at);
            assertTrue(badAt.containsKey(at), "a good record was dead-lettered: " + d.getReason() + ": " + d.getMessage());
        }
        Map<BadRecords.Kind, Map<String, Integer>> outcomes = new TreeMap<>();
        ChunkDecoding decoding = new ChunkDecoding(settings.ingest());
        for (Map.Entry<String, BadRecords.Record> e : badAt.entrySet()) {
            BadRecords.Kind kind = e.getValue().kind();
            String reason = reasonAt.get(e.getKey());
            outcomes.computeIfAbsent(kind, k -> new TreeMap<>()).merge(reason == null ? "accepted" : reason, 1, Integer::sum);
            if (reason == null) {
                assertTrue(kind.mayBeAccepted, kind + " at " + e.getKey() + " was neither dead-lettered nor valid");
                // Accepted means it was valid audio: it decodes.
                decoding.decode(new RawRecord("bad-audio", 0, 0, 0, e.getValue().key(), e.getValue().value()));
            } else {
                assertTrue(kind.allows(reason), kind + " at " + e.getKey() + " was dead-lettered as " + reason);
            }
        }
        System.out.println("bad records by kind and outcome: " + outcomes);
        System.out.println("largest checkpoint: " + largestCheckpoint.get() + " bytes");
        for (DeadLetter d : deadLetters) {
            assertTrue(!d.getMessage().isBlank() && !d.getReason().isBlank(), "every dead letter says why");
        }
        assertTrue(outcomes.get(BadRecords.Kind.GAP_HOLDER).containsKey("accepted"), "the gap holders were let wait");
        // Keyed state of both keyed operators, all subtasks, within the limits' budget (plus the sources' and sinks').
        long budget = 2 * settings.order().limits().stateBudgetBytes(settings.windows().maxStateBytesPerStream());
        assertTrue(largestCheckpoint.get() > 0, "checkpoints were written");
        assertTrue(largestCheckpoint.get() < budget + 1_000_000, "largest checkpoint " + largestCheckpoint.get()
                + " bytes, budget " + budget);
    }

    /** Sends the good streams' first chunks, then the rest interleaved at random; returns where each bad record lies. */
    private static Map<String, BadRecords.Record> send(List<ProducerRecord<byte[], byte[]>> firsts,
                                                    List<List<ProducerRecord<byte[], byte[]>>> goodRest,
                                                    List<BadRecords.Record> bad) throws Exception {
        Random random = new Random(7);
        Map<String, BadRecords.Record> badAt = new HashMap<>();
        try (KafkaProducer<byte[], byte[]> producer = TestAudio.producer(KAFKA.bootstrapServers())) {
            for (ProducerRecord<byte[], byte[]> r : firsts) {
                producer.send(r);
            }
            producer.flush();
            int[] goodNext = new int[goodRest.size()];
            int goodLeft = goodRest.stream().mapToInt(List::size).sum();
            int badNext = 0;
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            while (goodLeft > 0 || badNext < bad.size()) {
                boolean takeBad = badNext < bad.size() && (goodLeft == 0
                        || random.nextInt(goodLeft + bad.size() - badNext) < bad.size() - badNext);
                if (takeBad) {
                    BadRecords.Record r = bad.get(badNext++);
                    sent.add(producer.send(new ProducerRecord<>("bad-audio", r.key(), r.value())));
                } else {
                    int s;
                    do {
                        s = random.nextInt(goodRest.size());
                    } while (goodNext[s] >= goodRest.get(s).size());
                    producer.send(goodRest.get(s).get(goodNext[s]++));
                    goodLeft--;
                }
            }
            producer.flush();
            for (int i = 0; i < bad.size(); i++) {
                RecordMetadata m = sent.get(i).get();
                badAt.put(m.partition() + "@" + m.offset(), bad.get(i));
            }
        }
        return badAt;
    }

    private static List<String> goodWindows(List<Prediction> predictions) {
        return predictions.stream().filter(p -> p.getStreamId().startsWith("good-"))
                .map(p -> p.getStreamId() + "#" + p.getWindowIndex()).toList();
    }

    private static Set<String> expectedWindows(JobSettings settings, Set<String> ids, List<DemoStreams.Loaded> demo) {
        WindowSettings windows = settings.windows();
        Set<String> expected = new HashSet<>();
        for (String id : ids) {
            DemoStreams.Loaded s = demo.get(Integer.parseInt(id.substring("good-".length())) % demo.size());
            int n = windows.windowCount(s.audio().samples().length);
            for (int i = 0; i < n; i++) {
                expected.add(id + "#" + i);
            }
        }
        return expected;
    }
}
