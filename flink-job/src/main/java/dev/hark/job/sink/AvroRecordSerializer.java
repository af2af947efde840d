package dev.hark.job.sink;

import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.functions.Function;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Writes records to one topic as Avro single-object encoding, keyed by a string taken from the record. */
public final class AvroRecordSerializer<T> implements KafkaRecordSerializationSchema<T> {
    /** Serializable function from a record to its key or its bytes. */
    @FunctionalInterface
    public interface Extractor<T, R> extends Function {
        R apply(T value);
    }

    private final String topic;
    private final Extractor<T, String> key;
    private final Extractor<T, byte[]> encoder;

    public AvroRecordSerializer(String topic, Extractor<T, String> key, Extractor<T, byte[]> encoder) {
        this.topic = topic;
        this.key = key;
        this.encoder = encoder;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(T element, KafkaSinkContext context, Long timestamp) {
        String k = key.apply(element);
        // Kafka refuses negative timestamps, and a producer may stamp chunks before 1970: such records take the
        // time of writing rather than fail the sink (and with it the job).
        return new ProducerRecord<>(topic, null, timestamp == null || timestamp < 0 ? null : timestamp, k == null ? null : k.getBytes(StandardCharsets.UTF_8),
                encoder.apply(element));
    }
}
