package dev.hark.cli;

import static dev.hark.cli.RunningCommand.figure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hark.job.options.HarkOptions;
import dev.hark.job.features.WindowSettings;
import dev.hark.cli.cluster.FlinkRestClient;
import dev.hark.data.DemoStreams;
import dev.hark.job.testing.KafkaBrokerExtension;
import dev.hark.job.testing.TestAudio;
import dev.hark.job.testing.TestJobs;
import dev.hark.model.ModelContract;
import dev.hark.model.ModelVersions;
import dev.hark.job.ingest.ChunkEncoding;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** bin/hark run tells an operator where its web UI is and how the job is doing, restarts and their cause included. */
class RunCommandITCase {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();


    @Test
    void printsItsWebUiAndAStatusLineThatFollowsTheAudio() throws Exception {
        TestJobs.createTopics(KAFKA, "status", 2);
        RunningCommand run = RunningCommand.start("run", "--bootstrap-servers", KAFKA.bootstrapServers(), "--web-port", "0",
                "--status-every", "1", "--audio-topic", "status-audio", "--predictions-topic", "status-predictions",
                "--dead-letter-topic", "status-dead", "--delivery-guarantee", "AT_LEAST_ONCE",
                "--model", ModelVersions.BUNDLED.toString());
        try {
            // Running, and every figure reported (a vertex's metrics appear a moment after its tasks run).
            run.awaitLine(l -> RunningCommand.allTasksRunning(l) && figure(l, "chunks in") == 0
                    && figure(l, "dead letters") == 0, Duration.ofMinutes(2));
            Matcher web = RunningCommand.WEB_UI.matcher(run.out().toString());
            assertTrue(web.find(), run.out().toString());
            assertTrue(new FlinkRestClient(web.group(1), Duration.ofSeconds(10)).overview().has("taskmanagers"),
                    "the printed address serves Flink's REST API");

            List<DemoStreams.Loaded> streams = TestAudio.demoStreams();
            ModelContract contract = ModelContract.read(ModelVersions.BUNDLED);
            int chunks = 0;
            int windows = 0;
            WindowSettings sliding = WindowSettings.of(contract, WindowSettings.hopFrames(contract.features(),
                    HarkOptions.WINDOW_HOP.defaultValue().toMillis()), 0);
            for (DemoStreams.Loaded s : streams) {
                var parts = ChunkEncoding.pcm16(s.stream().id(), s.audio().samples(), s.audio().sampleRate(), 1600, 0);
                TestAudio.send(KAFKA.bootstrapServers(), "status-audio", parts);
                chunks += parts.size();
                windows += sliding.windowCount(s.audio().samples().length);
            }
            TestAudio.sendRaw(KAFKA.bootstrapServers(), "status-audio", null, "not audio".getBytes());
            int expectedChunks = chunks;
            int expectedWindows = windows;
            // Windows not yet completed by a later chunk stay open (the streams do not end): at least all but the last.
            String flowing = run.awaitLine(l -> figure(l, "chunks in") == expectedChunks
                    && figure(l, "dead letters") == 1 && figure(l, "predictions out") >= expectedWindows - streams.size(),
                    Duration.ofMinutes(2));
            assertEquals(figure(flowing, "windows scored"), figure(flowing, "predictions out"), flowing);
            assertTrue(flowing.contains("restarts 0"), flowing);
            // A checkpoint can fail while a task is still starting (loading its model): allowed, it is no restart.
            run.awaitLine(l -> l.matches(".*\\| checkpoint [1-9]\\d*, \\d+ s ago, [\\d.]+ [KM]B(, \\d+ failed)? \\| restarts 0"),
                    Duration.ofMinutes(1));
        } finally {
            run.cancel();
        }
    }

    @Test
    void aJobRestartingInALoopSaysSoAndWhy(@TempDir Path models) throws Exception {
        TestJobs.createTopics(KAFKA, "broken", 1);
        Path broken = ModelVersions.addBroken(models, "7");
        RunningCommand run = RunningCommand.start("run", "--bootstrap-servers", KAFKA.bootstrapServers(), "--web-port", "0",
                "--status-every", "1", "--audio-topic", "broken-audio", "--predictions-topic", "broken-predictions",
                "--dead-letter-topic", "broken-dead", "--model", broken.toString());
        try {
            String line = run.awaitLine(l -> figure(l, "restarts") >= 2, Duration.ofMinutes(2));
            assertTrue(line.contains("last failure"), line);
            assertTrue(line.contains("no model under " + broken + " loads"), line);
            assertTrue(!RunningCommand.allTasksRunning(line), line);
        } finally {
            run.cancel();
        }
    }

    @Test
    void missingTopicsAreRefusedBeforeTheJobStarts() {
        KAFKA.createTopic("lonely-audio", 1);
        HarkCommand.refused("topics lonely-predictions, lonely-dead do not exist on " + KAFKA.bootstrapServers(),
                "run", "--bootstrap-servers", KAFKA.bootstrapServers(), "--web-port", "0", "--audio-topic",
                "lonely-audio", "--predictions-topic", "lonely-predictions", "--dead-letter-topic", "lonely-dead",
                "--model", ModelVersions.BUNDLED.toString());
    }
}
