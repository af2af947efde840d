package dev.hark.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hark.job.testing.TestAudio;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The environment that docker-compose.yml and the FlinkDeployments give the Flink image, run through the image's
 * entrypoint on a {@code FLINK_HOME} laid out as the Flink 2.2.1 distribution is ({@code opt/} and {@code plugins/}
 * from {@code docker/standins/flink/distribution-2.2.1.txt}, Flink's own configuration writer in {@code lib/}).
 *
 * <p>The entrypoint is the stand-in's ({@code docker/standins/flink/docker-entrypoint.sh}, the official one's contract)
 * unless {@code -Dhark.flink.entrypoint=PATH} names the official image's {@code /docker-entrypoint.sh}. Whatever the
 * container would start is replaced by a script that records its arguments, so the test sees what would run.
 */
class FlinkImageEntrypointTest {
    static final Path STANDIN = TestAudio.REPOSITORY.resolve("docker/standins/flink");
    static final Path RELEASED_JARS = Path.of("target/flink-distribution-jars");
    /** The Flink scripts the entrypoint hands over to; here each records how it was called. */
    static final List<String> STARTERS = List.of("jobmanager.sh", "standalone-job.sh", "taskmanager.sh", "historyserver.sh");
    static final String S3_FILE_SYSTEM = "org.apache.flink.fs.s3hadoop.S3FileSystemFactory";

    @TempDir
    Path temp;

    record Run(int exitCode, String output, Path home) {
        String started() throws IOException {
            Path record = home.resolve("started");
            return Files.exists(record) ? Files.readString(record).trim() : "";
        }

        Configuration configuration() {
            return GlobalConfiguration.loadConfiguration(home.resolve("conf").toString());
        }
    }

    static Path entrypoint() {
        String official = System.getProperty("hark.flink.entrypoint", "");
        return official.isBlank() ? STANDIN.resolve("docker-entrypoint.sh") : Path.of(official);
    }

    /** A FLINK_HOME as the 2.2.1 distribution lays it out, with Flink's configuration writer working in it. */
    Path flinkHome(String name) throws IOException {
        Path home = Files.createDirectories(temp.resolve(name));
        for (String line : Files.readAllLines(STANDIN.resolve("distribution-2.2.1.txt"))) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] entry = line.split("=", 2);
            Path target = home.resolve(entry[0].trim());
            Files.createDirectories(target.getParent());
            if (entry.length == 2) {
                String[] coordinates = entry[1].trim().split(":");
                Files.copy(RELEASED_JARS.resolve(coordinates[1] + "-" + coordinates[2] + ".jar"), target);
            } else {
                Files.createFile(target);
            }
        }
        Path bin = Files.createDirectories(home.resolve("bin"));
        Files.copy(STANDIN.resolve("bin/config-parser-utils.sh"), bin.resolve("config-parser-utils.sh"));
        for (String starter : STARTERS) {
            Path script = bin.resolve(starter);
            Files.writeString(script, "#!/usr/bin/env bash\necho \"" + starter + " $*\" > \"$FLINK_HOME/started\"\n");
            script.toFile().setExecutable(true);
        }
        // lib/: Flink's jars (the configuration writer BashJavaUtils among them), as this JVM has them.
        Path lib = Files.createDirectories(home.resolve("lib"));
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path jar = Path.of(entry);
            if (entry.endsWith(".jar") && Files.isRegularFile(jar) && !Files.exists(lib.resolve(jar.getFileName()))) {
                Files.createSymbolicLink(lib.resolve(jar.getFileName()), jar.toAbsolutePath());
            }
        }
        Path conf = Files.createDirectories(home.resolve("conf"));
        Files.writeString(conf.resolve("config.yaml"), "taskmanager:\n  numberOfTaskSlots: 1\n");
        return home;
    }

    Run runEntrypoint(String name, Map<String, String> environment, String... command) throws Exception {
        Path home = flinkHome(name);
        List<String> line = new ArrayList<>(List.of("bash", entrypoint().toAbsolutePath().toString()));
        line.addAll(List.of(command));
        ProcessBuilder builder = new ProcessBuilder(line).directory(home.toFile()).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(k -> k.startsWith("FLINK_") || k.equals("ENABLE_BUILT_IN_PLUGINS") || k.startsWith("KAFKA_"));
        env.put("FLINK_HOME", home.toString());
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("JOB_MANAGER_RPC_ADDRESS", "127.0.0.1"); // hostname -f would do, but need not resolve here
        env.put("DISABLE_JEMALLOC", "true");
        env.putAll(environment);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(2, TimeUnit.MINUTES));
        return new Run(process.exitValue(), output, home);
    }

    /** The plugin folders' jars that hold {@code className}, following the links the entrypoint made. */
    static List<Path> pluginJarsWith(Path home, String className) throws IOException {
        String entry = className.replace('.', '/') + ".class";
        List<Path> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(home.resolve("plugins"), FileVisitOption.FOLLOW_LINKS)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".jar") && Files.isRegularFile(f)).toList()) {
                if (Files.size(file) > 0) {
                    try (ZipFile jar = new ZipFile(file.toFile())) {
                        if (jar.getEntry(entry) != null) {
                            found.add(file);
                        }
                    }
                }
            }
        }
        return found;
    }

    /** What the configuration asks of Flink's plugins (reporters, S3, the GPU driver) is in plugins/ once started. */
    static void assertPluginsLoadWhatTheConfigurationNames(String who, Map<String, String> configuration, Path home)
            throws IOException {
        for (Map.Entry<String, String> option : configuration.entrySet()) {
            if (option.getKey().matches("metrics\\.reporter\\.[^.]+\\.factory\\.class")) {
                assertEquals(1, pluginJarsWith(home, option.getValue()).size(),
                        who + ": one plugin folder holds " + option.getValue() + " (" + option.getKey() + ")");
            }
            if (option.getValue().startsWith("s3://")) {
                assertEquals(1, pluginJarsWith(home, S3_FILE_SYSTEM).size(),
                        who + ": " + option.getKey() + " is on S3, so Flink's S3 file system must be a plugin");
            }
        }
        if ("gpu".equals(configuration.get("external-resources"))) {
            // Flink publishes no jar of the GPU driver: its place in the distribution is what can be checked.
            try (Stream<Path> files = Files.list(home.resolve("plugins/external-resource-gpu"))) {
                assertTrue(files.anyMatch(f -> f.getFileName().toString().startsWith("flink-external-resource-gpu-")),
                        who + ": the GPU driver is in plugins/");
            }
        }
    }

    @Test
    void composesFlinkServicesStartWithTheirConfiguration() throws Exception {
        Map<String, JsonNode> services = DeploymentFilesTest.composeServices();
        Map<String, Map<String, String>> properties = DeploymentFilesTest.composeFlinkProperties();
        assertEquals(List.of("jobmanager", "taskmanager"), List.copyOf(properties.keySet()));
        for (String service : properties.keySet()) {
            JsonNode definition = services.get(service);
            Map<String, String> environment = new LinkedHashMap<>();
            definition.path("environment").fields().forEachRemaining(e -> environment.put(e.getKey(), e.getValue().asText()));
            String[] command = definition.path("command").asText().split("\\s+");
            Run run = runEntrypoint(service, environment, command);

            assertEquals(0, run.exitCode(), service + " exits at start:\n" + run.output());
            String starter = Map.of("standalone-job", "standalone-job.sh", "taskmanager", "taskmanager.sh").get(command[0]);
            assertEquals(starter + " start-foreground" + definition.path("command").asText().substring(command[0].length()),
                    run.started(), service + " starts Flink with the arguments compose gives it");
            // Every FLINK_PROPERTIES line reaches Flink's configuration with the value that compose wrote.
            Configuration configuration = run.configuration();
            properties.get(service).forEach((key, value) -> assertEquals(value, configuration.toMap().get(key),
                    service + ": " + key + " as Flink reads it"));
            assertPluginsLoadWhatTheConfigurationNames(service, properties.get(service), run.home());
        }
    }

    @Test
    void flinkDeploymentPodsStartWithTheirPlugins() throws Exception {
        for (JsonNode deployment : DeploymentFilesTest.ofKind("FlinkDeployment")) {
            String name = deployment.path("metadata").path("name").asText();
            Map<String, String> environment = new LinkedHashMap<>();
            for (JsonNode template : List.of(deployment.path("spec").path("podTemplate"),
                    deployment.path("spec").path("taskManager").path("podTemplate"))) {
                template.path("spec").path("containers").forEach(c -> c.path("env").forEach(e ->
                        environment.put(e.path("name").asText(), e.has("value") ? e.path("value").asText() : "from-a-secret")));
            }
            // The operator starts the pod through the entrypoint's pass-through with its own start script.
            Run run = runEntrypoint(name, environment, "bash", "-c", "echo kubernetes-taskmanager.sh > \"$FLINK_HOME/started\"");
            assertEquals(0, run.exitCode(), name + " exits at start:\n" + run.output());
            assertEquals("kubernetes-taskmanager.sh", run.started(), name + " hands over to the operator's command");
            assertPluginsLoadWhatTheConfigurationNames(name, DeploymentFilesTest.flinkConfiguration(deployment), run.home());
        }
    }

    @Test
    void aPluginThatIsNotInOptStopsTheContainer() throws Exception {
        // Since Flink 1.11 the reporters are in plugins/ and loaded by default: naming one as a built-in plugin to enable
        // is what kept docker-compose.yml's JobManager and TaskManager from starting.
        Run run = runEntrypoint("reporter-from-opt", Map.of("ENABLE_BUILT_IN_PLUGINS",
                "flink-s3-fs-hadoop-2.2.1.jar;flink-metrics-prometheus-2.2.1.jar"), "taskmanager");
        assertEquals(1, run.exitCode(), run.output());
        assertTrue(run.output().contains("flink-metrics-prometheus-2.2.1.jar does not exist"), run.output());
        assertEquals("", run.started(), "nothing started");
        // The same entrypoint and layout start the container with a plugin that opt/ has.
        Run good = runEntrypoint("s3-from-opt", Map.of("ENABLE_BUILT_IN_PLUGINS", "flink-s3-fs-hadoop-2.2.1.jar"), "taskmanager");
        assertEquals(0, good.exitCode(), good.output());
        assertEquals(1, pluginJarsWith(good.home(), S3_FILE_SYSTEM).size());
        assertFalse(good.started().isEmpty());
    }

    @Test
    void flinkPropertiesLoseTheirWhiteSpace() throws Exception {
        // The entrypoint strips every space from a FLINK_PROPERTIES line: a duration survives, a list of JVM options
        // does not. docker-compose.yml therefore writes values without spaces (checked above, value for value).
        Run run = runEntrypoint("white-space", Map.of("FLINK_PROPERTIES",
                "execution.checkpointing.interval: 10 s\nenv.java.opts.all: -Da=1 -Db=2\n"), "taskmanager");
        assertEquals(0, run.exitCode(), run.output());
        assertEquals("10s", run.configuration().toMap().get("execution.checkpointing.interval"));
        assertEquals("-Da=1-Db=2", run.configuration().toMap().get("env.java.opts.all"));
    }
}
