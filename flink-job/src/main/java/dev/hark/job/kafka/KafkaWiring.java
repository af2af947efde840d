package dev.hark.job.kafka;

import dev.hark.job.options.HarkOptions;
import dev.hark.job.ingest.RawRecord;
import dev.hark.job.ingest.RawRecordDeserializer;
import dev.hark.job.sink.AvroRecordSerializer;
import java.util.Properties;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/** Kafka sources and sinks of the job, built from {@link HarkOptions}. */
public final class KafkaWiring {
    private KafkaWiring() {
    }


    public static KafkaSource<RawRecord> audioSource(ReadableConfig config) {
        OffsetsInitializer start = switch (config.get(HarkOptions.STARTING_OFFSETS)) {
            case "earliest" -> OffsetsInitializer.earliest();
            case "latest" -> OffsetsInitializer.latest();
            case "committed" -> OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
            default -> throw new IllegalArgumentException(HarkOptions.STARTING_OFFSETS.key()
                    + " must be committed, earliest or latest, got " + config.get(HarkOptions.STARTING_OFFSETS));
        };
        KafkaSourceBuilder<RawRecord> builder = KafkaSource.<RawRecord>builder()
                .setBootstrapServers(HarkOptions.bootstrapServers(config))
                .setTopics(config.get(HarkOptions.AUDIO_TOPIC))
                .setGroupId(config.get(HarkOptions.GROUP_ID))
                .setStartingOffsets(start)
                .setDeserializer(new RawRecordDeserializer())
                .setProperties(kafkaProperties(config));
        if (config.get(HarkOptions.BOUNDED)) {
            builder.setBounded(OffsetsInitializer.latest());
        }
        return builder.build();
    }

    /**
     * The model control topic, read by one reader in its own consumer group from the committed offsets (earliest at
     * the first start, so announcements made before the job started still count).
     */
    public static KafkaSource<RawRecord> modelControlSource(ReadableConfig config, String topic) {
        KafkaSourceBuilder<RawRecord> builder = KafkaSource.<RawRecord>builder()
                .setBootstrapServers(HarkOptions.bootstrapServers(config))
                .setTopics(topic)
                .setGroupId(config.get(HarkOptions.GROUP_ID) + "-model-control")
                .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setDeserializer(new RawRecordDeserializer())
                .setProperties(kafkaProperties(config));
        if (config.get(HarkOptions.BOUNDED)) {
            builder.setBounded(OffsetsInitializer.latest());
        }
        return builder.build();
    }

    /**
     * A sink of Avro records (single-object encoding) to {@code topic}, keyed by {@code key}, with the job's delivery
     * guarantee; {@code role} names it in the sink's transactional ids, so each output has its own.
     */
    public static <T> KafkaSink<T> sink(ReadableConfig config, String topic, String role,
                                        AvroRecordSerializer.Extractor<T, String> key,
                                        AvroRecordSerializer.Extractor<T, byte[]> encoder) {
        return KafkaSink.<T>builder()
                .setBootstrapServers(HarkOptions.bootstrapServers(config))
                .setRecordSerializer(new AvroRecordSerializer<>(topic, key, encoder))
                .setDeliveryGuarantee(config.get(HarkOptions.DELIVERY_GUARANTEE))
                .setTransactionalIdPrefix(transactionalIdPrefix(config) + "-" + role)
                .setKafkaProducerConfig(producerProperties(config))
                .build();
    }

    private static String transactionalIdPrefix(ReadableConfig config) {
        return config.getOptional(HarkOptions.TRANSACTIONAL_ID_PREFIX)
                .orElse("hark-" + config.get(HarkOptions.PREDICTIONS_TOPIC));
    }

    /** The {@link HarkOptions#KAFKA_PROPERTIES_PREFIX} entries of {@code config}, prefix removed. */
    public static Properties kafkaProperties(ReadableConfig config) {
        Properties props = new Properties();
        if (config instanceof org.apache.flink.configuration.Configuration c) {
            for (String key : c.keySet()) {
                if (key.startsWith(HarkOptions.KAFKA_PROPERTIES_PREFIX)) {
                    props.setProperty(key.substring(HarkOptions.KAFKA_PROPERTIES_PREFIX.length()),
                            c.get(org.apache.flink.configuration.ConfigOptions.key(key).stringType().noDefaultValue()));
                }
            }
        }
        return props;
    }

    static Properties producerProperties(ReadableConfig config) {
        Properties props = new Properties();
        // Below the broker's transaction.max.timeout.ms (15 min by default); the connector's default of 1 h is not.
        props.setProperty("transaction.timeout.ms", "600000");
        props.setProperty("linger.ms", "5");
        props.setProperty("compression.type", "lz4");
        props.putAll(kafkaProperties(config)); // the user's settings win
        return props;
    }
}
