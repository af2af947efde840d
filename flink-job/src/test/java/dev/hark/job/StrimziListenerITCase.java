package dev.hark.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hark.job.kafka.KafkaWiring;
import com.fasterxml.jackson.databind.JsonNode;
import dev.hark.job.testing.KafkaBrokerProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The FlinkDeployment's Kafka client settings, as the job builds them ({@link KafkaWiring#kafkaProperties}), against a
 * broker listener made like Strimzi's TLS listener: SASL_SSL with SCRAM-SHA-512 and a certificate signed by a
 * self-signed cluster CA that no default trust store knows. Only the trust store's location (in the pods, the
 * mounted Secret) and the bootstrap address are this machine's; the JAAS line comes through Kafka's environment config
 * provider, as in the pods (the build sets {@code KAFKA_SASL_JAAS_CONFIG} for the tests).
 */
class StrimziListenerITCase {
    static final String PASSWORD = "keystore-password";

    @TempDir
    Path dir;

    void keytool(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS) && process.exitValue() == 0, String.join(" ", args) + ":\n" + output);
    }

    /** A cluster CA (its certificate as PEM in ca.crt, as Strimzi's Secret has it) and a broker key store it signed. */
    void makeClusterCa() throws Exception {
        String store = "-storepass";
        keytool("-genkeypair", "-alias", "ca", "-dname", "CN=cluster-ca v0", "-ext", "bc:c", "-keyalg", "RSA", "-keysize",
                "2048", "-validity", "2", "-keystore", "ca.p12", "-storetype", "PKCS12", store, PASSWORD);
        keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", "ca.p12", store, PASSWORD, "-file", "ca.crt");
        keytool("-genkeypair", "-alias", "broker", "-dname", "CN=kafka-kafka-0", "-keyalg", "RSA", "-keysize", "2048",
                "-validity", "2", "-keystore", "broker.p12", "-storetype", "PKCS12", store, PASSWORD);
        keytool("-certreq", "-alias", "broker", "-keystore", "broker.p12", store, PASSWORD, "-file", "broker.csr");
        keytool("-gencert", "-alias", "ca", "-keystore", "ca.p12", store, PASSWORD, "-infile", "broker.csr", "-outfile",
                "broker.crt", "-rfc", "-validity", "2", "-ext", "SAN=IP:127.0.0.1");
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", "ca.crt", "-keystore", "broker.p12", store, PASSWORD);
        keytool("-importcert", "-alias", "broker", "-file", "broker.crt", "-keystore", "broker.p12", store, PASSWORD);
    }

    @Test
    void theJobsKafkaSettingsConnectThroughTheClusterCa() throws Exception {
        makeClusterCa();
        int tlsPort = KafkaBrokerProcess.freePort();
        Map<String, String> listener = Map.of(
                "sasl.enabled.mechanisms", "SCRAM-SHA-512",
                "listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required;",
                "ssl.keystore.type", "PKCS12",
                "ssl.keystore.location", dir.resolve("broker.p12").toString(),
                "ssl.keystore.password", PASSWORD,
                "ssl.key.password", PASSWORD);
        try (KafkaBrokerProcess broker = KafkaBrokerProcess.start(Map.of("SASL_SSL", tlsPort), listener)) {
            try (Admin plain = broker.admin()) {
                // What Strimzi's User Operator does for the KafkaUser: a SCRAM-SHA-512 credential.
                plain.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion("hark",
                        new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), "hark-test-password"))).all().get();
            }
            JsonNode deployment = DeploymentFilesTest.ofKind("FlinkDeployment").get(0);
            Map<String, String> configuration = DeploymentFilesTest.flinkConfiguration(deployment);
            Properties kafka = KafkaWiring.kafkaProperties(Configuration.fromMap(configuration));
            assertEquals(configuration.get("hark.kafka.properties.ssl.truststore.location"),
                    kafka.getProperty("ssl.truststore.location"));
            kafka.setProperty("ssl.truststore.location", dir.resolve("ca.crt").toString()); // the pod's mount, here
            kafka.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + tlsPort);

            try (Admin admin = Admin.create(kafka)) {
                assertEquals(1, admin.describeCluster().nodes().get(60, TimeUnit.SECONDS).size());
                assertTrue(admin.describeUserScramCredentials().all().get(30, TimeUnit.SECONDS).containsKey("hark"));
            }
            // Without the cluster CA the handshake fails: the trust store is what makes the connection.
            Properties withoutCa = new Properties();
            withoutCa.putAll(kafka);
            withoutCa.remove("ssl.truststore.type");
            withoutCa.remove("ssl.truststore.location");
            withoutCa.setProperty(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "15000");
            withoutCa.setProperty(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
            try (Admin untrusting = Admin.create(withoutCa)) {
                ExecutionException failed = assertThrows(ExecutionException.class,
                        () -> untrusting.describeCluster().nodes().get(60, TimeUnit.SECONDS));
                assertInstanceOf(SslAuthenticationException.class, failed.getCause(), failed.toString());
            }
        }
    }
}
