package dev.hark.cli;

import dev.hark.avro.DeadLetter;
import dev.hark.avro.Detection;
import dev.hark.avro.LabelScore;
import dev.hark.avro.Prediction;
import dev.hark.avro.wire.WireFormat;
import dev.hark.client.KafkaClients;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "consume", mixinStandardHelpOptions = true,
        description = {"Print what the job writes, a line per record: predictions, detections or dead letters (each",
                "record says which). Reads committed records only, as hark's exactly-once output should be read."})
final class ConsumeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--topic", defaultValue = "predictions", split = ",",
            description = "Topics to read, comma-separated (default: ${DEFAULT-VALUE}).")
    List<String> topics;

    @Option(names = "--from-beginning", description = "Start at the topics' first records instead of new ones.")
    boolean fromBeginning;

    @Option(names = "--max", paramLabel = "N", description = "Stop after N records (default: never).")
    Long max;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        long seen = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = KafkaClients.consumer(kafka.bootstrapServers,
                fromBeginning ? "earliest" : "latest", kafka.properties)) {
            consumer.subscribe(topics);
            while (max == null || seen < max) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    out.println(describe(record.value()));
                    if (max != null && ++seen >= max) {
                        break;
                    }
                }
                out.flush();
            }
        }
        return 0;
    }

    /** A record of any of the job's outputs, as one line. */
    static String describe(byte[] value) {
        try {
            return prediction(WireFormat.decode(value, Prediction.getDecoder(), "Prediction"));
        } catch (WireFormat.DecodeException notAPrediction) {
            try {
                Detection d = WireFormat.decode(value, Detection.getDecoder(), "Detection");
                return String.format(Locale.ROOT, "detection   %-12s %-10s %.2f  %s - %s  (%s v%s)", d.getStreamId(),
                        d.getLabel(), d.getScore(), d.getStart(), d.getEnd(), d.getModelName(), d.getModelVersion());
            } catch (WireFormat.DecodeException notADetection) {
                try {
                    DeadLetter d = WireFormat.decode(value, DeadLetter.getDecoder(), "DeadLetter");
                    return String.format(Locale.ROOT, "dead letter %s[%d]@%d  %s: %s", d.getSourceTopic(),
                            d.getSourcePartition(), d.getSourceOffset(), d.getReason(), d.getMessage());
                } catch (WireFormat.DecodeException e) {
                    return "not a record of hark's: " + e.getMessage();
                }
            }
        }
    }

    private static String prediction(Prediction p) {
        LabelScore top = p.getTop().get(0);
        LabelScore next = p.getTop().size() > 1 ? p.getTop().get(1) : null;
        return String.format(Locale.ROOT, "prediction  %-12s window %4d  %s  %-10s %.2f  next %-10s %.2f  (%s v%s%s)",
                p.getStreamId(), p.getWindowIndex(), p.getWindowStart(), top.getLabel(), top.getScore(),
                next == null ? "-" : next.getLabel(), next == null ? 0f : next.getScore(), p.getModelName(),
                p.getModelVersion(), Boolean.TRUE.equals(p.getGapFilled()) ? ", gap filled" : "");
    }
}
