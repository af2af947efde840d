package dev.hark.job.sink;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class AvroRecordSerializerTest {
    private final AvroRecordSerializer<String> serializer = new AvroRecordSerializer<>("topic", v -> "key-" + v,
            v -> v.getBytes(StandardCharsets.UTF_8));

    @Test
    void keepsEventTimeAsTheRecordTimestamp() {
        ProducerRecord<byte[], byte[]> record = serializer.serialize("a", null, 1_700_000_000_000L);
        assertEquals(1_700_000_000_000L, record.timestamp());
        assertArrayEquals("key-a".getBytes(StandardCharsets.UTF_8), record.key());
        assertEquals("topic", record.topic());
    }

    @Test
    void leavesTimestampsKafkaWouldRefuseToTheProducer() {
        // A chunk stamped -2^50 ms: Kafka throws on a negative timestamp, which would fail the sink and the job.
        assertNull(serializer.serialize("a", null, -(1L << 50)).timestamp());
        assertNull(serializer.serialize("a", null, null).timestamp());
    }
}
