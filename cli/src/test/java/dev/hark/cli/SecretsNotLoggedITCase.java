package dev.hark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hark.job.testing.KafkaBrokerExtension;
import dev.hark.job.testing.TestAudio;
import dev.hark.job.testing.TestJobs;
import dev.hark.job.testing.TopicReader;
import dev.hark.model.ModelVersions;
import dev.hark.job.ingest.ChunkEncoding;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code bin/hark run} with Kafka secrets in its config file and on its command line: the job runs, the Kafka clients
 * log their configuration at INFO as always, and no secret shows up in any log line or in the command's output.
 */
class SecretsNotLoggedITCase {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    static final String JAAS_SECRET = "jaas-secret-7f3a";
    static final String TRUSTSTORE_SECRET = "truststore-secret-91c2";
    static final String KEY_SECRET = "key-secret-5d0e";

    /** Every log event of the JVM, at INFO and above, while it is attached. */
    static final class Capture extends AbstractAppender {
        final List<String> lines = new CopyOnWriteArrayList<>();

        Capture() {
            super("secrets-capture", null, null, true, Property.EMPTY_ARRAY);
        }

        @Override
        public void append(LogEvent event) {
            StringBuilder line = new StringBuilder(event.getMessage().getFormattedMessage());
            for (Throwable t = event.getThrown(); t != null; t = t.getCause()) {
                line.append(" | ").append(t);
            }
            lines.add(line.toString());
        }
    }

    @Test
    void kafkaSecretsNeverReachTheLogsOrTheOutput(@TempDir Path dir) throws Exception {
        TestJobs.createTopics(KAFKA, "sec", 1);
        KAFKA.createTopic("sec-detections", 1);
        float[] audio = java.util.Arrays.copyOf(TestAudio.demoStreams().get(0).audio().samples(), 2 * 16000);
        TestAudio.send(KAFKA.bootstrapServers(), "sec-audio", ChunkEncoding.pcm16("sec", audio, 16000, 1600, 0));
        Path config = dir.resolve("hark.yaml");
        Files.writeString(config, String.join("\n",
                "hark:",
                "  kafka:",
                "    bounded: true",
                "    starting-offsets: earliest",
                "    properties:",
                "      sasl.jaas.config: 'org.apache.kafka.common.security.plain.PlainLoginModule required"
                        + " username=\"hark\" password=\"" + JAAS_SECRET + "\";'",
                ""));

        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        var log4j = context.getConfiguration();
        Capture capture = new Capture();
        capture.start();
        Level rootLevel = log4j.getRootLogger().getLevel();
        Level kafkaLevel = log4j.getLoggerConfig("org.apache.kafka").getLevel();
        log4j.getRootLogger().addAppender(capture, Level.INFO, null);
        log4j.getRootLogger().setLevel(Level.INFO);
        log4j.getLoggerConfig("org.apache.kafka").setLevel(Level.INFO);
        context.updateLoggers();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        java.io.ByteArrayOutputStream stdout = new java.io.ByteArrayOutputStream();
        java.io.PrintStream originalOut = System.out;
        java.io.PrintStream originalErr = System.err;
        int exit;
        try {
            System.setOut(new java.io.PrintStream(stdout, true));
            System.setErr(new java.io.PrintStream(stdout, true));
            CommandLine cli = HarkCli.commandLine();
            cli.setOut(new PrintWriter(out));
            cli.setErr(new PrintWriter(err));
            exit = cli.execute("run", "--bootstrap-servers", KAFKA.bootstrapServers(), "--config", config.toString(),
                    "--kafka-property", "ssl.truststore.password=" + TRUSTSTORE_SECRET,
                    "--kafka-property", "ssl.key.password=" + KEY_SECRET,
                    "--model", ModelVersions.BUNDLED.toString(), "--hop-ms", "1000",
                    "--audio-topic", "sec-audio", "--predictions-topic", "sec-predictions", "--dead-letter-topic", "sec-dead",
                    "--detections-topic", "sec-detections",
                    "--group-id", "sec", "--delivery-guarantee", "AT_LEAST_ONCE", "--checkpoint-interval-ms", "0");
        } finally {
            System.setOut(originalOut);
            System.setErr(originalErr);
            log4j.getRootLogger().removeAppender(capture.getName());
            log4j.getRootLogger().setLevel(rootLevel);
            log4j.getLoggerConfig("org.apache.kafka").setLevel(kafkaLevel);
            context.updateLoggers();
        }
        assertEquals(0, exit, err.toString());
        try (TopicReader reader = TopicReader.of(KAFKA.bootstrapServers(), "sec-predictions")) {
            assertEquals(2, reader.untilCount("sec-predictions", 2, Duration.ofSeconds(30)).count("sec-predictions"),
                    "the job ran with those properties");
        }
        assertTrue(capture.lines.stream().anyMatch(l -> l.contains("ConsumerConfig values")),
                "the Kafka clients logged their configuration, so there was something to leak");
        List<String> everything = new java.util.ArrayList<>(capture.lines);
        everything.add(out.toString());
        everything.add(err.toString());
        everything.add(stdout.toString());
        assertTrue(out.toString().contains("submitted"), "the command's own output was captured: " + out);
        for (String secret : List.of(JAAS_SECRET, TRUSTSTORE_SECRET, KEY_SECRET)) {
            List<String> leaks = everything.stream().filter(l -> l.contains(secret)).toList();
            assertTrue(leaks.isEmpty(), "secret logged: " + leaks);
        }
    }
}
