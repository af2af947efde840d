package dev.hark.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hark.avro.DeadLetter;
import dev.hark.avro.Detection;
import dev.hark.avro.LabelScore;
import dev.hark.avro.Prediction;
import dev.hark.avro.wire.WireFormat;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Locale;

/** The job's output records (predictions, detections, dead letters) decoded, as table rows or JSON lines. */
final class OutputRecords {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss.SSS", Locale.ROOT)
            .withZone(ZoneId.systemDefault());

    /** The predictions table's header; detections and dead letters are rows of their own shape. */
    static final String HEADER = String.format(Locale.ROOT, "%-16s %6s  %-12s  %-12s %5s  %-12s %5s  %-16s %8s",
            "stream", "window", "starts", "top", "score", "next", "score", "model", "latency");

    private OutputRecords() {
    }

    /** A {@link Prediction}, {@link Detection} or {@link DeadLetter}; fails if the bytes are none of them. */
    static Object decode(byte[] value) throws WireFormat.DecodeException {
        try {
            return WireFormat.decode(value, Prediction.getDecoder(), "Prediction");
        } catch (WireFormat.DecodeException notAPrediction) {
            try {
                return WireFormat.decode(value, Detection.getDecoder(), "Detection");
            } catch (WireFormat.DecodeException notADetection) {
                return WireFormat.decode(value, DeadLetter.getDecoder(), "DeadLetter");
            }
        }
    }

    /** The stream a record is about (a dead letter's is its record key, when that is text). */
    static String streamOf(Object record) {
        if (record instanceof Prediction p) {
            return p.getStreamId();
        }
        if (record instanceof Detection d) {
            return d.getStreamId();
        }
        ByteBuffer key = ((DeadLetter) record).getKey();
        return key == null ? null : StandardCharsets.UTF_8.decode(key.duplicate()).toString();
    }

    /** One table row; latency is from the window's (or utterance's) end to {@code nowMillis}. */
    static String row(Object record, long nowMillis) {
        if (record instanceof Prediction p) {
            LabelScore top = p.getTop().get(0);
            LabelScore next = p.getTop().size() > 1 ? p.getTop().get(1) : null;
            return String.format(Locale.ROOT, "%-16s %6d  %-12s  %-12s %5.2f  %-12s %5s  %-16s %5d ms%s",
                    p.getStreamId(), p.getWindowIndex(), CLOCK.format(p.getWindowStart()), top.getLabel(),
                    top.getScore(), next == null ? "-" : next.getLabel(),
                    next == null ? "-" : String.format(Locale.ROOT, "%.2f", next.getScore()),
                    p.getModelName() + " v" + p.getModelVersion(), latency(p.getWindowEnd(), nowMillis),
                    Boolean.TRUE.equals(p.getGapFilled()) ? "  (gap filled)" : "");
        }
        if (record instanceof Detection d) {
            return String.format(Locale.ROOT, "%-16s detected %-12s %.2f  %s-%s  %s v%s  %d ms after its end",
                    d.getStreamId(), d.getLabel(), d.getScore(), CLOCK.format(d.getStart()), CLOCK.format(d.getEnd()),
                    d.getModelName(), d.getModelVersion(), latency(d.getEnd(), nowMillis));
        }
        DeadLetter d = (DeadLetter) record;
        return String.format(Locale.ROOT, "dead letter %s[%d]@%d key %s  %s: %s", d.getSourceTopic(),
                d.getSourcePartition(), d.getSourceOffset(), streamOf(d), d.getReason(), d.getMessage());
    }

    /** One JSON object per record, times as epoch milliseconds, bytes as base64. */
    static String json(Object record, long nowMillis) {
        ObjectNode o = JSON.createObjectNode();
        if (record instanceof Prediction p) {
            o.put("type", "prediction").put("stream_id", p.getStreamId()).put("window_index", p.getWindowIndex())
                    .put("window_start", p.getWindowStart().toEpochMilli()).put("window_end", p.getWindowEnd().toEpochMilli())
                    .put("model_name", p.getModelName()).put("model_version", p.getModelVersion());
            ArrayNode top = o.putArray("top");
            for (LabelScore s : p.getTop()) {
                top.addObject().put("label", s.getLabel()).put("score", s.getScore());
            }
            o.put("gap_filled", Boolean.TRUE.equals(p.getGapFilled()))
                    .put("inference_micros", p.getTimings().getInferenceMicros())
                    .put("batch_size", p.getTimings().getBatchSize())
                    .put("latency_ms", latency(p.getWindowEnd(), nowMillis));
        } else if (record instanceof Detection d) {
            o.put("type", "detection").put("stream_id", d.getStreamId()).put("label", d.getLabel())
                    .put("score", d.getScore()).put("start", d.getStart().toEpochMilli()).put("end", d.getEnd().toEpochMilli())
                    .put("model_name", d.getModelName()).put("model_version", d.getModelVersion())
                    .put("latency_ms", latency(d.getEnd(), nowMillis));
        } else {
            DeadLetter d = (DeadLetter) record;
            o.put("type", "dead_letter").put("source_topic", d.getSourceTopic())
                    .put("source_partition", d.getSourcePartition()).put("source_offset", d.getSourceOffset())
                    .put("reason", d.getReason()).put("message", d.getMessage()).put("time", d.getTime().toEpochMilli())
                    .put("key", base64(d.getKey())).put("value", base64(d.getValue()));
        }
        return o.toString();
    }

    private static long latency(Instant end, long nowMillis) {
        return nowMillis - end.toEpochMilli();
    }

    private static String base64(ByteBuffer bytes) {
        if (bytes == null) {
            return null;
        }
        ByteBuffer b = bytes.duplicate();
        byte[] copy = new byte[b.remaining()];
        b.get(copy);
        return Base64.getEncoder().encodeToString(copy);
    }
}
