package dev.hark.job.options;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

/** The job's settings from its options and environment. */
class JobSettingsTest {
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
}
