package dev.hark.job;

import dev.hark.avro.DeadLetter;
import dev.hark.avro.Prediction;
import dev.hark.job.ingest.RawRecord;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** The hark job: a source of raw Kafka records, the pipeline, and the prediction and dead-letter sinks. */
public final class HarkJob {
    public static final String JOB_NAME = "hark audio classification";

    private HarkJob() {
    }

    /** Adds the whole job to {@code env}; source and sinks are passed in so tests can choose them. */
    public static void define(StreamExecutionEnvironment env, Source<RawRecord, ?, ?> source,
                              Sink<Prediction> predictions, Sink<DeadLetter> deadLetters, JobSettings settings) {
        define(env, source, predictions, deadLetters, null, settings);
    }

    /** As above, plus a sink of debounced detections (null for none). */
    public static void define(StreamExecutionEnvironment env, Source<RawRecord, ?, ?> source,
                              Sink<Prediction> predictions, Sink<DeadLetter> deadLetters,
                              Sink<dev.hark.avro.Detection> detections, JobSettings settings) {
        define(env, source, null, predictions, deadLetters, detections, settings);
    }

    /** As above, plus a source of model announcements (null for none). */
    public static void define(StreamExecutionEnvironment env, Source<RawRecord, ?, ?> source,
                              Source<RawRecord, ?, ?> modelControl, Sink<Prediction> predictions,
                              Sink<DeadLetter> deadLetters, Sink<dev.hark.avro.Detection> detections,
                              JobSettings settings) {
        HarkPipeline.build(audioStream(env, source), modelControl == null ? null : modelControlStream(env, modelControl),
                settings).sinkTo(predictions, deadLetters, detections);
    }

    /** The raw audio records: event time is assigned after decoding, so the source assigns none. */
    public static DataStream<RawRecord> audioStream(StreamExecutionEnvironment env, Source<RawRecord, ?, ?> source) {
        return env.fromSource(source, WatermarkStrategy.noWatermarks(), "Kafka audio chunks").uid("audio-source");
    }

    /** The raw control records: one reader is plenty for a few records; each is broadcast to every subtask later. */
    public static DataStream<RawRecord> modelControlStream(StreamExecutionEnvironment env, Source<RawRecord, ?, ?> source) {
        return env.fromSource(source, WatermarkStrategy.noWatermarks(), "Kafka model announcements")
                .setParallelism(1).uid("model-control-source");
    }

    /** Defines the job with Kafka from {@code config} and starts it without waiting for it to end. */
    public static JobClient start(StreamExecutionEnvironment env, ReadableConfig config) throws Exception {
        JobSettings settings = JobSettings.from(config);
        if (config.get(HarkOptions.DELIVERY_GUARANTEE) == org.apache.flink.connector.base.DeliveryGuarantee.EXACTLY_ONCE
                && !env.getCheckpointConfig().isCheckpointingEnabled()) {
            throw new IllegalArgumentException(HarkOptions.DELIVERY_GUARANTEE.key() + "=EXACTLY_ONCE commits output with"
                    + " checkpoints, but checkpointing is off: set execution.checkpointing.interval"
                    + " (--checkpoint-interval-ms) or choose AT_LEAST_ONCE");
        }
        define(env, KafkaWiring.audioSource(config),
                config.getOptional(HarkOptions.MODEL_CONTROL_TOPIC).map(t -> KafkaWiring.modelControlSource(config, t)).orElse(null),
                KafkaWiring.predictionSink(config),
                KafkaWiring.deadLetterSink(config),
                config.getOptional(HarkOptions.DETECTIONS_TOPIC).map(t -> KafkaWiring.detectionSink(config, t)).orElse(null),
                settings);
        return env.executeAsync(JOB_NAME);
    }

    /** Entry point for {@code flink run}: the same options as {@code bin/hark run}. */
    public static void main(String[] args) {
        int exit = dev.hark.cli.HarkCli.commandLine().execute(prepend("run", args));
        if (exit != 0) {
            System.exit(exit);
        }
    }

    private static String[] prepend(String first, String[] rest) {
        String[] all = new String[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }
}
