package dev.hark.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hark.avro.Prediction;
import dev.hark.data.DemoStreams;
import dev.hark.job.testing.KafkaBrokerExtension;
import dev.hark.job.testing.LoopbackMiniCluster;
import dev.hark.job.testing.TestAudio;
import dev.hark.job.testing.TestJobs;
import dev.hark.job.testing.TopicReader;
import dev.hark.model.ModelVersions;
import dev.hark.job.ingest.ChunkEncoding;
import java.time.Duration;
import java.util.List;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The job as {@code flink run} starts it: {@code HarkJob.main} with its own arguments, on the cluster of the context
 * (here a MiniCluster), exactly-once output with the default checkpoint interval, until its bounded input ends.
 */
class HarkJobMainITCase {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK = LoopbackMiniCluster.create();

    @Test
    void runsFromItsOwnArguments() throws Exception {
        TestJobs.createTopics(KAFKA, "main", 1);
        DemoStreams.Loaded sample = TestAudio.demoStreams().get(0);
        float[] threeSeconds = java.util.Arrays.copyOf(sample.audio().samples(), 3 * 16000);
        TestAudio.send(KAFKA.bootstrapServers(), "main-audio", ChunkEncoding.pcm16("main", threeSeconds, 16000, 1600, 0));

        HarkJob.main(new String[] {"--hark.kafka.bootstrap-servers", KAFKA.bootstrapServers(),
                "--hark.model.dir", ModelVersions.BUNDLED.toString(), "--hark.topic.audio", "main-audio",
                "--hark.topic.predictions=main-predictions", "--hark.topic.dead-letters", "main-dead",
                "--hark.kafka.starting-offsets", "earliest", "--hark.kafka.bounded", "true", "--hark.window.hop", "1 s"});

        try (TopicReader reader = TopicReader.of(KAFKA.bootstrapServers(), "main-predictions")) {
            List<Prediction> predictions = reader.untilCount("main-predictions", 3, Duration.ofSeconds(30))
                    .andFor(Duration.ofSeconds(1)).values("main-predictions", Prediction.getDecoder());
            assertEquals(3, predictions.size(), "one per second of audio, committed exactly once");
            for (int i = 0; i < 3; i++) {
                assertEquals(i, predictions.get(i).getWindowIndex());
            }
        }
    }
}
