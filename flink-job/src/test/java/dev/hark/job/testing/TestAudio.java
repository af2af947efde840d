package dev.hark.job.testing;

import dev.hark.avro.AudioChunk;
import dev.hark.data.DemoStreams;
import dev.hark.job.ingest.ChunkEncoding;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Audio for the tests: the repository's sample streams, cut into chunks and sent as a producer would. */
public final class TestAudio {
    /** The repository's root, seen from a module's folder (where Maven runs a module's tests). */
    public static final Path REPOSITORY = Path.of("..");

    private TestAudio() {
    }

    /** The sample streams of the demo: voices held out of the default model's training, one known label a second. */
    public static List<DemoStreams.Loaded> demoStreams() {
        return DemoStreams.loadBundled(REPOSITORY);
    }

    public static KafkaProducer<byte[], byte[]> producer(String bootstrapServers) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all"), new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Sends every chunk and returns once the broker has them all. */
    public static void send(String bootstrapServers, String topic, List<AudioChunk> chunks) {
        try (KafkaProducer<byte[], byte[]> producer = producer(bootstrapServers)) {
            chunks.forEach(chunk -> producer.send(ChunkEncoding.record(topic, chunk)));
            producer.flush();
        }
    }

    /** Sends raw bytes (anything a misbehaving producer might send) and returns once the broker has them. */
    public static void sendRaw(String bootstrapServers, String topic, byte[] key, byte[] value) {
        try (KafkaProducer<byte[], byte[]> producer = producer(bootstrapServers)) {
            producer.send(new ProducerRecord<>(topic, key, value));
            producer.flush();
        }
    }
}
