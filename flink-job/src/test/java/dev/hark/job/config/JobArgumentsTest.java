package dev.hark.job.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hark.job.kafka.KafkaWiring;
import dev.hark.job.options.HarkOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code HarkJob.main}'s own arguments, for {@code flink run}: no command-line library in the job jar. */
class JobArgumentsTest {

    @Test
    void takesOptionsFromAFileAndTheArgumentsWhichWin(@TempDir Path dir) throws Exception {
        Path yaml = dir.resolve("hark.yaml");
        Files.writeString(yaml, "hark:\n  topic:\n    audio: from-file\n    predictions: from-file\n"
                + "  kafka.properties.security.protocol: SASL_SSL\n");
        Configuration conf = JobArguments.parse(new String[] {"--hark.topic.audio", "from-args", "--config", yaml.toString(),
                "--hark.kafka.bootstrap-servers=kafka:9092", "--execution.checkpointing.interval", "30 s"});
        assertEquals("from-args", conf.get(HarkOptions.AUDIO_TOPIC), "an argument wins over the file");
        assertEquals("from-file", conf.get(HarkOptions.PREDICTIONS_TOPIC));
        assertEquals("kafka:9092", conf.get(HarkOptions.BOOTSTRAP_SERVERS));
        assertEquals("SASL_SSL", KafkaWiring.kafkaProperties(conf).getProperty("security.protocol"));
        assertEquals("30 s", conf.toMap().get("execution.checkpointing.interval"), "Flink's own options pass through");
    }

    @Test
    void explainsWhatIsWrong() {
        IllegalArgumentException typo = assertThrows(IllegalArgumentException.class,
                () -> JobArguments.parse(new String[] {"--hark.topic.predicitons", "out"}));
        assertTrue(typo.getMessage().contains("did you mean hark.topic.predictions?"), typo.getMessage());
        IllegalArgumentException stray = assertThrows(IllegalArgumentException.class,
                () -> JobArguments.parse(new String[] {"run", "--hark.topic.audio", "a"}));
        assertTrue(stray.getMessage().contains("unexpected argument 'run'"), stray.getMessage());
        IllegalArgumentException noValue = assertThrows(IllegalArgumentException.class,
                () -> JobArguments.parse(new String[] {"--hark.topic.audio"}));
        assertTrue(noValue.getMessage().contains("--hark.topic.audio needs a value"), noValue.getMessage());
        IllegalArgumentException noFile = assertThrows(IllegalArgumentException.class,
                () -> JobArguments.parse(new String[] {"--config", "/no/such/hark.yaml"}));
        assertTrue(noFile.getMessage().contains("is not a file"), noFile.getMessage());
    }

    @Test
    void helpListsEveryOptionWithItsDefault() {
        String usage = JobArguments.usage();
        for (String key : HarkOptions.keys()) {
            assertTrue(usage.contains("--" + key), key + " missing from:\n" + usage);
        }
        assertTrue(usage.contains("--hark.inference.batch-size (32)"), usage);
        assertTrue(JobArguments.wantsHelp(new String[] {"--help"}));
        assertTrue(!JobArguments.wantsHelp(new String[] {"--hark.window.hop", "1 s", "--hark.detections.quiet", "1 s"}),
                "the same value twice is no call for help");
    }
}
