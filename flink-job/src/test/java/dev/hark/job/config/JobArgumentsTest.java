package dev.hark.job.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hark.job.kafka.KafkaWiring;
import dev.hark.job.options.HarkOptions;
import dev.hark.job.options.JobSettings;
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
    void theModelComesFromHarkModelWhenNoOptionNamesIt() throws Exception {
        Configuration none = new Configuration();
        String bundled = dev.hark.model.ModelVersions.BUNDLED.toString();
        assertEquals(dev.hark.model.ModelContract.read(dev.hark.model.ModelVersions.BUNDLED).version(),
                JobSettings.from(none, java.util.Map.of("HARK_MODEL", bundled)).contract().version());
        Configuration named = new Configuration();
        named.set(HarkOptions.MODEL_DIR, "/no/such/model");
        java.io.IOException ignoredEnvironment = assertThrows(java.io.IOException.class, () ->
                JobSettings.from(named, java.util.Map.of("HARK_MODEL", bundled)));
        assertTrue(ignoredEnvironment.getMessage().contains("/no/such/model"), "the option wins over HARK_MODEL");
        IllegalArgumentException neither = assertThrows(IllegalArgumentException.class, () ->
                JobSettings.from(none, java.util.Map.of("HARK_MODEL", " ")));
        assertTrue(neither.getMessage().contains("or HARK_MODEL"), neither.getMessage());
    }

    @Test
    void inferencePrecisionIsAutoUnlessSetAndReachesTheInferenceSettings() throws Exception {
        String bundled = dev.hark.model.ModelVersions.BUNDLED.toString();
        java.util.Map<String, String> env = java.util.Map.of("HARK_MODEL", bundled);
        assertEquals(dev.hark.model.Precision.AUTO,
                JobSettings.from(new Configuration(), env).inference().precision());
        Configuration exact = Configuration.fromMap(java.util.Map.of("hark.inference.precision", "float32"));
        assertEquals(dev.hark.model.Precision.FLOAT32, JobSettings.from(exact, env).inference().precision());
        Configuration wrong = Configuration.fromMap(java.util.Map.of("hark.inference.precision", "fp16"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JobSettings.from(wrong, env));
        assertTrue(e.getMessage().contains("hark.inference.precision") && e.getMessage().contains("fp16"),
                e.getMessage());
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
