package dev.hark.job.testing;

import dev.hark.avro.wire.WireFormat;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads topics as a consumer of hark's output would (a fresh group, from the earliest offset, committed transactions
 * only) until what has arrived satisfies a condition or a deadline passes. Keeps everything read, so a test can wait
 * for one thing, act, and wait for the next.
 */
public final class TopicReader implements AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();

    private TopicReader(KafkaConsumer<byte[], byte[]> consumer) {
        this.consumer = consumer;
    }

    public static TopicReader of(String bootstrapServers, String... topics) {
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "hark-test-reader-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(topics));
        return new TopicReader(consumer);
    }

    /** Reads until {@code done} holds for what has been read so far, or {@code timeout} has passed. */
    public TopicReader until(Predicate<TopicReader> done, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.test(this) && System.nanoTime() < deadline) {
            poll();
        }
        return this;
    }

    /** Reads until {@code topic} has given at least {@code count} records, or {@code timeout} has passed. */
    public TopicReader untilCount(String topic, int count, Duration timeout) {
        return until(r -> r.count(topic) >= count, timeout);
    }

    /** Reads on for {@code quiet}: what must not come (a duplicate, one record too many) would arrive now. */
    public TopicReader andFor(Duration quiet) {
        long end = System.nanoTime() + quiet.toNanos();
        while (System.nanoTime() < end) {
            poll();
        }
        return this;
    }

    private void poll() {
        consumer.poll(Duration.ofMillis(100)).forEach(records::add);
    }

    /** The records read from {@code topic}, in the order they arrived. */
    public List<ConsumerRecord<byte[], byte[]>> records(String topic) {
        return records.stream().filter(r -> r.topic().equals(topic)).toList();
    }

    public int count(String topic) {
        return (int) records.stream().filter(r -> r.topic().equals(topic)).count();
    }

    /** The values read from {@code topic}, decoded, e.g. {@code values("predictions", Prediction.getDecoder())}. */
    public <T> List<T> values(String topic, BinaryMessageDecoder<T> decoder) {
        List<T> values = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : records(topic)) {
            try {
                values.add(WireFormat.decode(r.value(), decoder, topic));
            } catch (WireFormat.DecodeException e) {
                throw new AssertionError("a record on " + topic + " does not decode: " + e.getMessage(), e);
            }
        }
        return values;
    }

    @Override
    public void close() {
        consumer.close();
    }
}
