package dev.hark.cli;

import dev.hark.avro.wire.WireFormat;
import dev.hark.client.KafkaClients;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "consume", mixinStandardHelpOptions = true,
        description = {"Follow what the job writes: predictions as a live table (stream, window, top labels, model,",
                "latency from the window's end), detections and dead letters as lines of their own; or JSON lines",
                "(--json). Reads committed records only (isolation.level=read_committed), as hark's exactly-once output",
                "should be read; --kafka-property isolation.level=read_uncommitted shows records before their commit."})
final class ConsumeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--topic", defaultValue = "predictions", split = ",",
            description = "Topics to read, comma-separated, e.g. predictions,audio-dead-letters (default: ${DEFAULT-VALUE}).")
    List<String> topics;

    @Option(names = "--stream", paramLabel = "ID", description = "Show this stream only; repeatable.")
    List<String> streams = new ArrayList<>();

    @Option(names = "--json", description = "One JSON object per line instead of the table.")
    boolean json;

    @Option(names = "--from-beginning", description = "Start at the topics' first records instead of new ones.")
    boolean fromBeginning;

    @Option(names = "--max", paramLabel = "N", description = "Stop after N records (default: never).")
    Long max;

    @Override
    public Integer call() {
        if (max != null && max < 1) {
            throw new HarkCli.UserError("--max must be at least 1, got " + max);
        }
        kafka.requireTopics(topics, org.apache.kafka.common.acl.AclOperation.READ);
        PrintWriter out = spec.commandLine().getOut();
        if (!json) {
            out.println(OutputRecords.HEADER);
            out.flush();
        }
        long shown = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = KafkaClients.consumer(kafka.bootstrapServers,
                fromBeginning ? "earliest" : "latest", kafka.properties)) {
            consumer.subscribe(topics);
            while (max == null || shown < max) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    String line = line(record);
                    if (line != null) {
                        out.println(line);
                        if (max != null && ++shown >= max) {
                            break;
                        }
                    }
                }
                out.flush();
            }
        }
        return 0;
    }

    /** The record as the user asked to see it; null when filtered out. */
    private String line(ConsumerRecord<byte[], byte[]> record) {
        Object decoded;
        try {
            decoded = OutputRecords.decode(record.value());
        } catch (WireFormat.DecodeException e) {
            String where = record.topic() + "[" + record.partition() + "]@" + record.offset();
            return json ? "{\"type\":\"unreadable\",\"record\":\"" + where + "\"}"
                    : "not a record of hark's at " + where + ": " + e.getMessage();
        }
        if (!streams.isEmpty() && !streams.contains(OutputRecords.streamOf(decoded))) {
            return null;
        }
        long now = System.currentTimeMillis();
        return json ? OutputRecords.json(decoded, now) : OutputRecords.row(decoded, now);
    }
}
