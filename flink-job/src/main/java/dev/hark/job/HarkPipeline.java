package dev.hark.job;

import dev.hark.avro.DeadLetter;
import dev.hark.avro.Detection;
import dev.hark.avro.ModelAnnouncement;
import dev.hark.job.ingest.AnnouncementDecoder;
import dev.hark.data.KeywordDataset;
import dev.hark.job.detect.DetectionFunction;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import dev.hark.avro.Prediction;
import dev.hark.job.features.FeatureWindow;
import dev.hark.job.features.FeatureWindower;
import dev.hark.job.inference.BatchInferenceOperator;
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
 * The stages between source and sinks: decode (bad records to dead letters) -> event time -> key by stream ->
 * order -> log-mel frames and windows -> TensorFlow inference. Sources and sinks are the caller's, so tests run it
 * on a MiniCluster with whatever they like.
 */
public final class HarkPipeline {
    private HarkPipeline() {
    }

    /** The outputs of the pipeline. */
    public record Outputs(DataStream<Prediction> predictions, DataStream<DeadLetter> deadLetters,
                          DataStream<Detection> detections) {
        /** Writes predictions and dead letters, and detections unless {@code detectionSink} is null. */
        public void sinkTo(org.apache.flink.api.connector.sink2.Sink<Prediction> predictionSink,
                           org.apache.flink.api.connector.sink2.Sink<DeadLetter> deadLetterSink,
                           org.apache.flink.api.connector.sink2.Sink<Detection> detectionSink) {
            predictions.sinkTo(predictionSink).uid("predictions-sink").name("Kafka predictions");
            deadLetters.sinkTo(deadLetterSink).uid("dead-letter-sink").name("Kafka dead letters");
            if (detectionSink != null) {
                detections.sinkTo(detectionSink).uid("detections-sink").name("Kafka detections");
            }
        }
    }

    public static Outputs build(DataStream<RawRecord> input, JobSettings settings) {
        return build(input, null, settings);
    }

    /**
     * As above, plus the raw records of the model control topic (null for none): decoded (bad ones to dead letters)
     * and broadcast to every inference subtask.
     */
    public static Outputs build(DataStream<RawRecord> input, DataStream<RawRecord> modelControl, JobSettings settings) {
        SingleOutputStreamOperator<AudioChunkEvent> decoded = input
                .process(new ChunkDecoder(settings.contract().features().sampleRate(), settings.maxChunkBytes()))
                .uid("decode-chunks").name("Decode audio chunks");
        DataStream<DeadLetter> deadLetters = decoded.getSideOutput(DeadLetteringDecoder.DEAD_LETTERS);

        DataStream<AudioChunkEvent> timed = decoded
                .assignTimestampsAndWatermarks(WatermarkStrategy
                        .<AudioChunkEvent>forBoundedOutOfOrderness(Duration.ofMillis(settings.maxOutOfOrderMillis()))
                        .withTimestampAssigner((chunk, ts) -> chunk.eventTime)
                        .withIdleness(Duration.ofMillis(settings.sourceIdleMillis())))
                .uid("chunk-event-time").name("Event time from chunks");

        DataStream<AudioChunkEvent> ordered = timed
                .keyBy(chunk -> chunk.streamId, Types.STRING)
                .process(new ChunkSequencer(settings.maxOutOfOrderMillis(), settings.streamIdleMillis()))
                .uid("order-chunks").name("Order chunks per stream");

        // Still partitioned by stream id: no second shuffle before the windower.
        DataStream<FeatureWindow> windows = DataStreamUtils
                .reinterpretAsKeyedStream(ordered, chunk -> chunk.streamId, Types.STRING)
                .process(new FeatureWindower(settings.contract().features(), settings.contract().inputKind(),
                        settings.contract().windowFrames(), settings.hopFrames(), settings.streamIdleMillis()))
                .uid("log-mel-windows").name("Log-mel frames and windows");

        BatchInferenceOperator inference = new BatchInferenceOperator(settings.modelDir(), settings.contract(),
                settings.topK(), settings.intraOpThreads(), settings.batchSize(), settings.batchMaxDelayMillis(),
                settings.modelPollMillis());
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
        Map<String, Float> thresholds = new HashMap<>();
        for (int i = 0; i < settings.contract().labels().size(); i++) {
            thresholds.put(settings.contract().labels().get(i), settings.contract().thresholds().get(i));
        }
        DataStream<Detection> detections = predictions
                .keyBy(p -> p.getStreamId(), Types.STRING)
                .process(new DetectionFunction(thresholds, Set.of(KeywordDataset.UNKNOWN, KeywordDataset.SILENCE),
                        settings.detectionQuietMillis()))
                .uid("detections").name("Debounced detections");
        return new Outputs(predictions, deadLetters, detections);
    }
}
