package dev.hark.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hark.client.KafkaClients;
import dev.hark.job.testing.TopicReader;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.junit.jupiter.api.Test;

class EmbeddedKafkaITCase {

    @Test
    void servesOnLoopbackAndRoundTripsRecords() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            assertTrue(kafka.bootstrapServers().startsWith("127.0.0.1:"), kafka.bootstrapServers());
            try (var admin = kafka.admin()) {
                for (Node node : admin.describeCluster().nodes().get()) {
                    assertEquals("127.0.0.1", node.host());
                }
            }
            kafka.createTopic("t", 2);
            kafka.createTopic("t", 2); // idempotent
            try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(kafka.bootstrapServers())) {
                for (int i = 0; i < 10; i++) {
                    producer.send(new ProducerRecord<>("t", ("k" + i).getBytes(), ("v" + i).getBytes()));
                }
                producer.flush();
            }
            List<String> values;
            try (TopicReader reader = TopicReader.of(kafka.bootstrapServers(), "t")) {
                values = reader.untilCount("t", 10, Duration.ofSeconds(30)).records("t").stream()
                        .map(r -> new String(r.value())).toList();
            }
            assertEquals(10, values.size());
        }
    }
}
