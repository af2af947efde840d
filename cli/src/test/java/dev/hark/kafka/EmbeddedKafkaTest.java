package dev.hark.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hark.client.KafkaClients;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.junit.jupiter.api.Test;

class EmbeddedKafkaTest {

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
            List<String> values = new ArrayList<>();
            try (KafkaConsumer<byte[], byte[]> consumer = KafkaClients.consumer(kafka.bootstrapServers())) {
                consumer.subscribe(List.of("t"));
                long deadline = System.currentTimeMillis() + 30_000;
                while (values.size() < 10 && System.currentTimeMillis() < deadline) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                        values.add(new String(r.value()));
                    }
                }
            }
            assertEquals(10, values.size());
        }
    }
}
