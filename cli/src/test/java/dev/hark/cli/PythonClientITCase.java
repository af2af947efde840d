package dev.hark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hark.data.DemoStreams;
import dev.hark.job.options.HarkOptions;
import dev.hark.job.testing.KafkaBrokerExtension;
import dev.hark.job.testing.TestAudio;
import dev.hark.job.testing.TestJobs;
import dev.hark.model.ModelContract;
import dev.hark.model.ModelVersions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Python example (examples/python, on Debian's python3-confluent-kafka and python3-avro) feeds a running job and
 * reads its exactly-once predictions back: every window of the sample audio is predicted and decoded.
 */
class PythonClientITCase {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static final Path EXAMPLES = TestAudio.REPOSITORY.resolve("examples/python");

    /** Debian's Python, which the Debian packages install into (another python3 may come first on the PATH). */
    private static String python() {
        return Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
    }

    private static List<String> python(Duration timeout, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(python()));
        command.addAll(List.of(args));
        Path output = Files.createTempFile("hark-python-", ".txt");
        try {
            Process process = new ProcessBuilder(command).directory(EXAMPLES.toFile()).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).start();
            if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(command + " did not end in " + timeout.toSeconds() + " s: " + read(output));
            }
            assertEquals(0, process.exitValue(), command + ": " + read(output));
            return Files.readAllLines(output, StandardCharsets.UTF_8);
        } finally {
            Files.deleteIfExists(output);
        }
    }

    private static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8);
    }

    @Test
    void aPythonProducerAndConsumerSpeakTheWireFormat() throws Exception {
        TestJobs.createTopics(KAFKA, "py", 2);
        RunningCommand run = RunningCommand.start("run", "--bootstrap-servers", KAFKA.bootstrapServers(), "--web-port",
                "0", "--status-every", "1", "--audio-topic", "py-audio", "--predictions-topic", "py-predictions",
                "--dead-letter-topic", "py-dead", "--checkpoint-interval-ms", "1000", "--model",
                ModelVersions.BUNDLED.toString());
        try {
            run.awaitLine(RunningCommand::allTasksRunning, Duration.ofMinutes(2));
            List<DemoStreams.Loaded> streams = TestAudio.demoStreams();
            List<String> wavs = new ArrayList<>();
            ModelContract contract = ModelContract.read(ModelVersions.BUNDLED);
            org.apache.flink.configuration.Configuration conf = new org.apache.flink.configuration.Configuration();
            conf.set(HarkOptions.BOOTSTRAP_SERVERS, KAFKA.bootstrapServers());
            conf.set(HarkOptions.MODEL_DIR, ModelVersions.BUNDLED.toString());
            var sliding = dev.hark.job.options.JobSettings.from(conf).windows();
            Set<String> expected = new HashSet<>();
            for (DemoStreams.Loaded s : streams) {
                wavs.add(TestAudio.REPOSITORY.resolve(DemoStreams.BUNDLED_FOLDER).resolve(s.stream().id() + ".wav")
                        .toAbsolutePath().toString());
                int windows = sliding.windowCount(s.audio().samples().length);
                for (int w = 0; w < windows; w++) {
                    expected.add(s.stream().id() + " " + w);
                }
            }
            List<String> produce = new ArrayList<>(List.of("produce.py", "--bootstrap-servers", KAFKA.bootstrapServers(),
                    "--topic", "py-audio", "--fast"));
            produce.addAll(wavs);
            List<String> sent = python(Duration.ofMinutes(1), produce.toArray(String[]::new));
            assertTrue(sent.get(sent.size() - 1).startsWith("sent "), sent.toString());

            List<String> predictions = python(Duration.ofMinutes(2), "consume.py", "--bootstrap-servers",
                    KAFKA.bootstrapServers(), "--topic", "py-predictions", "--from-beginning", "--max",
                    String.valueOf(expected.size()), "--timeout", "60");
            Set<String> windows = new HashSet<>();
            for (String line : predictions) {
                String[] fields = line.split(" ");
                assertTrue(contract.labels().contains(fields[2]), "a label of the model: " + line);
                float score = Float.parseFloat(fields[3]);
                assertTrue(score > 0 && score <= 1, line);
                assertTrue(windows.add(fields[0] + " " + fields[1]), "each window once: " + line);
            }
            assertEquals(expected, windows);
            run.awaitLine(l -> l.contains("dead letters 0") && l.contains("predictions out " + expected.size()),
                    Duration.ofSeconds(30));
        } finally {
            run.cancel();
        }
    }
}
