package dev.hark.job.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hark.job.options.HarkOptions;
import java.util.Properties;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

class KafkaWiringTest {

    @Test
    void passesAnyKafkaPropertyThroughAndLetsTheUserWin() {
        Configuration conf = new Configuration();
        conf.setString(HarkOptions.KAFKA_PROPERTIES_PREFIX + "security.protocol", "SASL_SSL");
        conf.setString(HarkOptions.KAFKA_PROPERTIES_PREFIX + "linger.ms", "50");
        conf.setString("hark.kafka.group-id", "not a client property");

        Properties client = KafkaWiring.kafkaProperties(conf);
        assertEquals(2, client.size());
        assertEquals("SASL_SSL", client.getProperty("security.protocol"));

        Properties producer = KafkaWiring.producerProperties(conf);
        assertEquals("50", producer.getProperty("linger.ms"), "the user's value replaces hark's default");
        assertEquals("600000", producer.getProperty("transaction.timeout.ms"));
        assertEquals("SASL_SSL", producer.getProperty("security.protocol"));
    }

    @Test
    void aSecretCanComeFromAnEnvironmentVariableAsTheKubernetesManifestsHaveIt() {
        Configuration conf = new Configuration();
        conf.setString(HarkOptions.KAFKA_PROPERTIES_PREFIX + "config.providers", "env");
        conf.setString(HarkOptions.KAFKA_PROPERTIES_PREFIX + "config.providers.env.class",
                "org.apache.kafka.common.config.provider.EnvVarConfigProvider");
        conf.setString(HarkOptions.KAFKA_PROPERTIES_PREFIX + "sasl.jaas.config", "${env:HOME}");
        Properties client = KafkaWiring.kafkaProperties(conf);
        client.put("bootstrap.servers", "127.0.0.1:1");
        client.put("key.deserializer", org.apache.kafka.common.serialization.ByteArrayDeserializer.class.getName());
        client.put("value.deserializer", org.apache.kafka.common.serialization.ByteArrayDeserializer.class.getName());
        // What the Kafka clients make of it: the variable's value, resolved by Kafka's own config provider.
        org.apache.kafka.clients.consumer.ConsumerConfig resolved = new org.apache.kafka.clients.consumer.ConsumerConfig(client);
        assertEquals(System.getenv("HOME"), resolved.getPassword("sasl.jaas.config").value());
    }
}
