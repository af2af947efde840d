package dev.hark.job;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hark.job.options.HarkOptions;
import dev.hark.avro.AudioChunk;
import dev.hark.avro.Prediction;
import dev.hark.data.DemoStreams;
import dev.hark.job.testing.KafkaBrokerExtension;
import dev.hark.job.testing.LoopbackMiniCluster;
import dev.hark.job.testing.TestAudio;
import dev.hark.job.testing.TestJobs;
import dev.hark.job.testing.TopicReader;
import dev.hark.job.ingest.ChunkEncoding;
import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Audio on one partition of two, read by two source subtasks: the subtask with nothing to read must not hold event
 * time back. The stream misses a chunk, and the job gives up waiting for it (and fills it with silence) only once
 * event time has passed it: with event time stalled, no window from the gap on would ever be scored.
 */
class IdlePartitionITCase {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK = LoopbackMiniCluster.create();

    @Test
    void anEmptyPartitionDoesNotStallEventTime() throws Exception {
        Configuration conf = TestJobs.configuration(KAFKA, "idle", 2);
        conf.set(HarkOptions.SOURCE_IDLE_TIMEOUT, Duration.ofSeconds(1));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        JobClient job = HarkJob.start(env, conf);
        DemoStreams.Loaded sample = TestAudio.demoStreams().get(0);
        float[] sixSeconds = java.util.Arrays.copyOf(sample.audio().samples(), 6 * 16000);
        List<Prediction> predictions;
        try (KafkaProducer<byte[], byte[]> producer = TestAudio.producer(KAFKA.bootstrapServers());
             TopicReader reader = TopicReader.of(KAFKA.bootstrapServers(), "idle-predictions")) {
            for (AudioChunk chunk : ChunkEncoding.pcm16("gappy", sixSeconds, 16000, 1600, 1_760_000_000_000L)) {
                if (chunk.getSequence() == 5) {
                    continue; // 0.5-0.6 s never arrives
                }
                ProducerRecord<byte[], byte[]> r = ChunkEncoding.record("idle-audio", chunk);
                producer.send(new ProducerRecord<>(r.topic(), 0, r.timestamp(), r.key(), r.value())); // partition 0 only
            }
            producer.flush();
            predictions = reader.untilCount("idle-predictions", 8, Duration.ofSeconds(60))
                    .values("idle-predictions", Prediction.getDecoder());
        } finally {
            job.cancel().get();
        }
        // Event time reaches 6 s - 2 s of out-of-orderness: the gap is given up on, windows up to about 4 s are scored.
        assertTrue(predictions.size() >= 8, predictions.size() + " predictions: event time stalled behind the empty partition");
        assertTrue(predictions.stream().anyMatch(p -> Boolean.TRUE.equals(p.getGapFilled())), "the gap was filled");
    }
}
