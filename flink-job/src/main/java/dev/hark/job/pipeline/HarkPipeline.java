package dev.hark.job.pipeline;

import dev.hark.job.options.JobSettings;
import dev.hark.avro.DeadLetter;
import dev.hark.avro.Detection;
import dev.hark.avro.ModelAnnouncement;
import dev.hark.avro.Prediction;
import dev.hark.job.detect.DetectionFunction;
import dev.hark.job.features.FeatureWindow;
import dev.hark.job.features.FeatureWindower;
import dev.hark.job.inference.BatchInferenceOperator;
import dev.hark.job.ingest.AnnouncementDecoder;
import dev.hark.job.ingest.AudioChunkEvent;
import dev.hark.job.ingest.ChunkDecoder;
import dev.hark.job.ingest.DeadLetteringDecoder;
import dev.hark.job.ingest.RawRecord;
import dev.hark.job.order.ChunkSequencer;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * The stages between sources and sinks: decode (bad records to dead letters) -> event time -> key by stream ->
 * order -> log-mel frames and windows -> TensorFlow inference -> debounced detections. Which sources feed it and
 * which sinks take its outputs is the job builder's business ({@code dev.hark.job.HarkJob}).
 */
public final class HarkPipeline {
    private HarkPipeline() {
    }

    /** The job's outputs, before they reach their sinks; detections are null when the job has no sink for them. */
    public record Outputs(DataStream<Prediction> predictions, DataStream<DeadLetter> deadLetters,
                          DataStream<Detection> detections) {
    }

    /**
     * @param audio        the raw records of the audio topic
     * @param modelControl the raw records of the model control topic, or null for none: decoded (bad ones to dead
     *                     letters) and broadcast to every inference subtask
     * @param detect       whether to debounce predictions into detections: without a sink for them, the job neither
     *                     ships predictions to a second keyed operator nor keeps detection state
     */
    public static Outputs build(DataStream<RawRecord> audio, DataStream<RawRecord> modelControl, JobSettings settings,
                                 boolean detect) {
        SingleOutputStreamOperator<AudioChunkEvent> decoded = audio
                .process(new ChunkDecoder(settings.ingest()))
                .uid("decode-chunks").name("Decode audio chunks");
        DataStream<DeadLetter> deadLetters = decoded.getSideOutput(DeadLetteringDecoder.DEAD_LETTERS);

        DataStream<AudioChunkEvent> timed = decoded
                .assignTimestampsAndWatermarks(WatermarkStrategy
                        .<AudioChunkEvent>forBoundedOutOfOrderness(Duration.ofMillis(settings.order().maxOutOfOrderMillis()))
                        .withTimestampAssigner((chunk, ts) -> chunk.eventTime)
                        .withIdleness(Duration.ofMillis(settings.order().sourceIdleMillis())))
                .uid("chunk-event-time").name("Event time from chunks");

        SingleOutputStreamOperator<AudioChunkEvent> ordered = timed
                .keyBy(chunk -> chunk.streamId, Types.STRING)
                .transform("Order chunks per stream", TypeInformation.of(AudioChunkEvent.class),
                        ChunkSequencer.operator(settings.order()))
                .uid("order-chunks");
        deadLetters = deadLetters.union(ordered.getSideOutput(DeadLetteringDecoder.DEAD_LETTERS));

        // Still partitioned by stream id: no second shuffle before the windower.
        DataStream<FeatureWindow> windows = DataStreamUtils
                .reinterpretAsKeyedStream(ordered, chunk -> chunk.streamId, Types.STRING)
                .process(new FeatureWindower(settings.windows()))
                .uid("log-mel-windows").name("Log-mel frames and windows");

        BatchInferenceOperator inference = new BatchInferenceOperator(settings.inference());
        String inferenceName = "TensorFlow inference (micro-batches)";
        SingleOutputStreamOperator<Prediction> predictions;
        if (modelControl == null) {
            predictions = windows.transform(inferenceName, TypeInformation.of(Prediction.class), inference);
        } else {
            SingleOutputStreamOperator<ModelAnnouncement> announcements = modelControl
                    .process(new AnnouncementDecoder()).setParallelism(1)
                    .uid("decode-model-announcements").name("Decode model announcements");
            deadLetters = deadLetters.union(announcements.getSideOutput(DeadLetteringDecoder.DEAD_LETTERS));
            predictions = windows.connect(announcements.broadcast())
                    .transform(inferenceName, TypeInformation.of(Prediction.class), inference);
        }
        predictions.uid("tensorflow-inference");

        DataStream<Detection> detections = !detect ? null : predictions
                .keyBy(Prediction::getStreamId, Types.STRING)
                .process(new DetectionFunction(settings.detections()))
                .uid("detections").name("Debounced detections");
        return new Outputs(predictions, deadLetters, detections);
    }
}
