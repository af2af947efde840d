package dev.hark.client;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Plain Kafka producers and consumers of bytes, for hark's commands and demo; the user's properties win. */
public final class KafkaClients {
    private KafkaClients() {
    }

    public static KafkaProducer<byte[], byte[]> producer(String bootstrapServers) {
        return producer(bootstrapServers, Map.of());
    }

    /** A producer that waits for every replica, with any client property (SASL, SSL, ...) on top. */
    public static KafkaProducer<byte[], byte[]> producer(String bootstrapServers, Map<String, String> properties) {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        config.putAll(properties);
        return new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** An admin client, with any client property (SASL, SSL, ...) on top. */
    public static Admin admin(String bootstrapServers, Map<String, String> properties) {
        Map<String, Object> config = new HashMap<>();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.putAll(properties);
        return Admin.create(config);
    }

    /** A consumer in a fresh group, from the earliest offset, seeing committed transactions only. */
    public static KafkaConsumer<byte[], byte[]> consumer(String bootstrapServers) {
        return consumer(bootstrapServers, "earliest", Map.of());
    }

    /**
     * A consumer in a fresh group that sees committed transactions only (what hark writes exactly once), from
     * {@code startAt} ({@code earliest} or {@code latest}), with any client property on top.
     */
    public static KafkaConsumer<byte[], byte[]> consumer(String bootstrapServers, String startAt,
                                                         Map<String, String> properties) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "hark-reader-" + UUID.randomUUID());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, startAt);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.putAll(properties);
        return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }
}
