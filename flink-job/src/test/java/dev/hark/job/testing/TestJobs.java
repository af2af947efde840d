package dev.hark.job.testing;

import dev.hark.job.options.HarkOptions;
import dev.hark.model.ModelVersions;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;

/** The usual set-up of an integration-test job: its own topics on the test broker, the bundled model. */
public final class TestJobs {
    private TestJobs() {
    }

    /**
     * Creates {@code <prefix>-audio} (with {@code audioPartitions}), {@code <prefix>-predictions} and
     * {@code <prefix>-dead}, and returns options that point a job at them: bundled model, earliest offsets,
     * at-least-once output (visible at once). Tests change what they need on top.
     */
    public static Configuration configuration(KafkaBrokerExtension kafka, String prefix, int audioPartitions) {
        createTopics(kafka, prefix, audioPartitions);
        Configuration conf = new Configuration();
        conf.set(HarkOptions.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        conf.set(HarkOptions.AUDIO_TOPIC, prefix + "-audio");
        conf.set(HarkOptions.PREDICTIONS_TOPIC, prefix + "-predictions");
        conf.set(HarkOptions.DEAD_LETTER_TOPIC, prefix + "-dead");
        conf.set(HarkOptions.MODEL_DIR, ModelVersions.BUNDLED.toString());
        conf.set(HarkOptions.STARTING_OFFSETS, "earliest");
        conf.set(HarkOptions.DELIVERY_GUARANTEE, DeliveryGuarantee.AT_LEAST_ONCE);
        return conf;
    }

    /** Creates a job's topics: {@code <prefix>-audio} (with {@code audioPartitions}), {@code -predictions}, {@code -dead}. */
    public static void createTopics(KafkaBrokerExtension kafka, String prefix, int audioPartitions) {
        kafka.createTopic(prefix + "-audio", audioPartitions);
        kafka.createTopic(prefix + "-predictions", 1);
        kafka.createTopic(prefix + "-dead", 1);
    }

    /** Creates {@code <prefix>-control} and points the job's model control topic at it; returns its name. */
    public static String withModelControl(KafkaBrokerExtension kafka, Configuration conf, String prefix) {
        String topic = prefix + "-control";
        kafka.createTopic(topic, 1);
        conf.set(HarkOptions.MODEL_CONTROL_TOPIC, topic);
        return topic;
    }

    /** A ModelAnnouncement as it goes on the control topic. */
    public static byte[] announcement(String location, String expectedVersion) {
        return dev.hark.avro.wire.WireFormat.encode(dev.hark.avro.ModelAnnouncement.newBuilder().setLocation(location)
                .setExpectedVersion(expectedVersion).setAnnouncedAt(java.time.Instant.now()).setAnnouncedBy("test")
                .build(), dev.hark.avro.ModelAnnouncement.getEncoder());
    }

    /** Checkpoints every {@code checkpointMillis}, and at most two restarts, so an injected failure surfaces. */
    public static void checkpointedWithBoundedRestarts(org.apache.flink.streaming.api.environment.StreamExecutionEnvironment env,
                                                       long checkpointMillis) {
        Configuration restart = new Configuration();
        restart.set(org.apache.flink.configuration.RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        restart.set(org.apache.flink.configuration.RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 2);
        restart.set(org.apache.flink.configuration.RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY,
                java.time.Duration.ofMillis(200));
        env.configure(restart);
        env.enableCheckpointing(checkpointMillis);
    }

    /**
     * Sends short probe streams that the job's keying (stream id, max parallelism 128) gives inference subtask
     * {@code subtask} of {@code parallelism}, one after another, until one is answered by model {@code version}:
     * each subtask takes a model up on its own model thread. Returns an event time after the last probe.
     */
    public static long untilServedBy(KafkaBrokerExtension kafka, TopicReader reader, String prefix, int subtask,
                                     int parallelism, String version, float[] probe, long from) {
        long eventTime = from;
        int sent = 0;
        java.time.Duration wait = java.time.Duration.ofSeconds(60);
        for (int i = 0; sent < 60; i++) {
            String id = "probe-" + i;
            if (org.apache.flink.runtime.state.KeyGroupRangeAssignment.assignKeyToParallelOperator(id,
                    dev.hark.job.HarkJob.DEFAULT_MAX_PARALLELISM, parallelism) != subtask) {
                continue;
            }
            sent++;
            TestAudio.send(kafka.bootstrapServers(), prefix + "-audio",
                    dev.hark.job.ingest.ChunkEncoding.pcm16(id, probe, 16000, 1600, eventTime));
            eventTime += 5_000;
            java.util.List<dev.hark.avro.Prediction> answers = predictionsOf(
                    reader.until(r -> !predictionsOf(r, prefix + "-predictions", id).isEmpty(), wait),
                    prefix + "-predictions", id);
            if (answers.isEmpty()) {
                throw new AssertionError("no prediction for " + id + " within " + wait);
            }
            if (answers.stream().anyMatch(p -> p.getModelVersion().equals(version))) {
                return eventTime;
            }
        }
        throw new AssertionError("subtask " + subtask + " served no model version " + version + " after 60 probes");
    }

    /** The predictions of one stream read so far. */
    public static java.util.List<dev.hark.avro.Prediction> predictionsOf(TopicReader reader, String topic, String streamId) {
        return reader.values(topic, dev.hark.avro.Prediction.getDecoder()).stream()
                .filter(p -> p.getStreamId().equals(streamId)).toList();
    }
}
