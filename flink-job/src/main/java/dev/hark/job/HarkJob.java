package dev.hark.job;

import dev.hark.job.config.CheckpointStorage;
import dev.hark.job.config.JobArguments;
import dev.hark.job.kafka.KafkaWiring;
import dev.hark.job.options.HarkOptions;
import dev.hark.job.options.JobSettings;
import dev.hark.job.pipeline.HarkPipeline;
import dev.hark.avro.DeadLetter;
import dev.hark.avro.Detection;
import dev.hark.avro.Prediction;
import dev.hark.avro.wire.WireFormat;
import dev.hark.job.ingest.RawRecord;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hark job: sources of raw Kafka records, the pipeline ({@link HarkPipeline}), and sinks for predictions, dead
 * letters and (optionally) detections. {@link #kafka} wires it to Kafka from the job's options; {@link #builder}
 * takes any sources and sinks, so tests run the same job on a MiniCluster with what they like.
 */
public final class HarkJob {
    public static final String JOB_NAME = "hark audio classification";
    /** Upper bound on rescaling when none is configured: fixes the key groups so state restores at any parallelism. */
    public static final int DEFAULT_MAX_PARALLELISM = 128;
    /** Checkpoint interval when none is configured and output is exactly-once (it is committed with checkpoints). */
    public static final Duration DEFAULT_CHECKPOINT_INTERVAL = Duration.ofSeconds(10);
    private static final Logger LOG = LoggerFactory.getLogger(HarkJob.class);

    private HarkJob() {
    }

    public static Builder builder(StreamExecutionEnvironment env, JobSettings settings) {
        return new Builder(env, settings);
    }

    /**
     * The job wired to Kafka from {@code config} ({@link HarkOptions}): the audio topic, the model control topic if
     * one is set, and sinks for predictions, dead letters, and detections if a topic is set. Exactly-once output
     * needs checkpointing: it is refused without.
     */
    public static Builder kafka(StreamExecutionEnvironment env, ReadableConfig config) throws Exception {
        if (config.get(HarkOptions.DELIVERY_GUARANTEE) == DeliveryGuarantee.EXACTLY_ONCE
                && !env.getCheckpointConfig().isCheckpointingEnabled()) {
            throw new IllegalArgumentException(HarkOptions.DELIVERY_GUARANTEE.key() + "=EXACTLY_ONCE commits output with"
                    + " checkpoints, but checkpointing is off: set execution.checkpointing.interval"
                    + " (--checkpoint-interval-ms) or choose AT_LEAST_ONCE");
        }
        Builder job = builder(env, JobSettings.from(config))
                .audio(KafkaWiring.audioSource(config))
                .predictions(KafkaWiring.sink(config, config.get(HarkOptions.PREDICTIONS_TOPIC), "predictions",
                        Prediction::getStreamId, p -> WireFormat.encode(p, Prediction.getEncoder())))
                .deadLetters(KafkaWiring.sink(config, config.get(HarkOptions.DEAD_LETTER_TOPIC), "dead-letters",
                        d -> d.getSourceTopic() + "-" + d.getSourcePartition(), d -> WireFormat.encode(d, DeadLetter.getEncoder())));
        config.getOptional(HarkOptions.MODEL_CONTROL_TOPIC)
                .ifPresent(topic -> job.modelControl(KafkaWiring.modelControlSource(config, topic)));
        config.getOptional(HarkOptions.DETECTIONS_TOPIC).ifPresent(topic -> job.detections(KafkaWiring.sink(config,
                topic, "detections", Detection::getStreamId, d -> WireFormat.encode(d, Detection.getEncoder()))));
        return job;
    }

    /** Defines the job with Kafka from {@code config} and starts it without waiting for it to end. */
    public static JobClient start(StreamExecutionEnvironment env, ReadableConfig config) throws Exception {
        kafka(env, config).build();
        return env.executeAsync(JOB_NAME);
    }

    /**
     * Entry point for {@code flink run} and application mode: {@code --config FILE.yaml} and any option as
     * {@code --hark.kafka.bootstrap-servers HOST:PORT} (see {@link JobArguments}), on top of the environment's own
     * configuration. Without a configured checkpoint interval, exactly-once output gets
     * {@link #DEFAULT_CHECKPOINT_INTERVAL}.
     */
    public static void main(String[] args) throws Exception {
        if (JobArguments.wantsHelp(args)) {
            System.out.println(JobArguments.usage());
            return;
        }
        Configuration arguments = JobArguments.parse(args);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(arguments);
        Configuration config = Configuration.fromMap(env.getConfiguration().toMap());
        config.addAll(arguments);
        if (config.get(HarkOptions.DELIVERY_GUARANTEE) == DeliveryGuarantee.EXACTLY_ONCE
                && !env.getCheckpointConfig().isCheckpointingEnabled()) {
            LOG.info("no checkpoint interval configured: checkpointing every {} for exactly-once output",
                    DEFAULT_CHECKPOINT_INTERVAL);
            env.enableCheckpointing(DEFAULT_CHECKPOINT_INTERVAL.toMillis());
        }
        if (env.getCheckpointConfig().isCheckpointingEnabled() && CheckpointStorage.inJobManagerMemory(config)) {
            LOG.warn("checkpoints are kept in the JobManager's memory, which refuses checkpoints of more than a few MB"
                    + " (a few hundred streams) and loses them with the JobManager: set execution.checkpointing.dir"
                    + " to a durable file system (s3://..., hdfs://..., or a folder every Flink process shares)");
        }
        kafka(env, config).build();
        env.execute(JOB_NAME); // attached (flink run): until the job ends; detached (REST, application mode): at once
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

    /** Puts the job together from the sources and sinks given; audio, predictions and dead letters are required. */
    public static final class Builder {
        private final StreamExecutionEnvironment env;
        private final JobSettings settings;
        private Function<StreamExecutionEnvironment, DataStream<RawRecord>> audio;
        private Function<StreamExecutionEnvironment, DataStream<RawRecord>> modelControl;
        private Sink<Prediction> predictions;
        private Sink<DeadLetter> deadLetters;
        private Sink<Detection> detections;

        private Builder(StreamExecutionEnvironment env, JobSettings settings) {
            this.env = env;
            this.settings = settings;
        }

        public Builder audio(Source<RawRecord, ?, ?> source) {
            audio = e -> audioStream(e, source);
            return this;
        }

        /** Audio records from a stream of the caller's (a test that puts something between source and job). */
        public Builder audio(DataStream<RawRecord> records) {
            audio = e -> records;
            return this;
        }

        public Builder modelControl(Source<RawRecord, ?, ?> source) {
            modelControl = e -> modelControlStream(e, source);
            return this;
        }

        public Builder predictions(Sink<Prediction> sink) {
            predictions = sink;
            return this;
        }

        public Builder deadLetters(Sink<DeadLetter> sink) {
            deadLetters = sink;
            return this;
        }

        public Builder detections(Sink<Detection> sink) {
            detections = sink;
            return this;
        }

        /** Adds the job to the environment; returns its outputs (already wired to their sinks). */
        public HarkPipeline.Outputs build() {
            Objects.requireNonNull(audio, "the job needs an audio source");
            Objects.requireNonNull(predictions, "the job needs a predictions sink");
            Objects.requireNonNull(deadLetters, "the job needs a dead-letter sink");
            if (env.getMaxParallelism() < 1) {
                env.setMaxParallelism(DEFAULT_MAX_PARALLELISM);
            }
            if (env.getConfiguration().getOptional(PipelineOptions.OBJECT_REUSE).isEmpty()) {
                // No operator keeps or changes a record it was handed (inference copies what it batches), so chained
                // operators can pass records on without Flink copying each one: a chunk's samples and a window's
                // frames were copied at every step of the chain.
                env.getConfig().enableObjectReuse();
            }
            HarkPipeline.Outputs outputs = HarkPipeline.build(audio.apply(env), modelControl == null ? null : modelControl.apply(env),
                    settings, detections != null);
            outputs.predictions().sinkTo(predictions).uid("predictions-sink").name("Kafka predictions");
            outputs.deadLetters().sinkTo(deadLetters).uid("dead-letter-sink").name("Kafka dead letters");
            if (detections != null) {
                outputs.detections().sinkTo(detections).uid("detections-sink").name("Kafka detections");
            }
            return outputs;
        }
    }
}
