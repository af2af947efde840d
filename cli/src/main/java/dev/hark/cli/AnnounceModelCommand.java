package dev.hark.cli;

import dev.hark.avro.ModelAnnouncement;
import dev.hark.avro.wire.WireFormat;
import dev.hark.job.inference.ModelLocation;
import dev.hark.model.ModelContract;
import dev.hark.model.ModelRoot;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "announce-model", mixinStandardHelpOptions = true,
        description = "Tell running jobs to serve another model: writes a ModelAnnouncement to their model control topic"
                + " (hark.topic.model-control). A local model is checked here first.")
final class AnnounceModelCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--topic", required = true, description = "The jobs' model control topic.")
    String topic;

    @Option(names = "--location", required = true, paramLabel = "DIR|URI",
            description = "Model folder or model root, as the TaskManagers see it: a local path (made absolute) or a"
                    + " Flink file-system URI (file://, s3://, hdfs://).")
    String location;

    @Option(names = "--expected-version", paramLabel = "V",
            description = "Jobs reject the model unless its contract carries this version.")
    String expectedVersion;

    @Option(names = "--by", paramLabel = "NAME", description = "Who announces it, for the jobs' logs (default: your user name).")
    String by = System.getProperty("user.name");

    @Override
    public Integer call() throws Exception {
        ModelLocation parsed = ModelLocation.parse(location);
        String target = parsed.toString();
        if (!parsed.isRemote()) {
            check(Path.of(target)); // what a job would refuse, refused here with the reason
        }
        ModelAnnouncement announcement = ModelAnnouncement.newBuilder()
                .setLocation(target)
                .setExpectedVersion(expectedVersion)
                .setAnnouncedAt(Instant.now())
                .setAnnouncedBy(by)
                .build();
        kafka.requireTopics(java.util.List.of(topic), org.apache.kafka.common.acl.AclOperation.WRITE);
        Map<String, Object> config = new HashMap<>(kafka.properties);
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
            RecordMetadata sent = producer.send(new ProducerRecord<>(topic, null,
                    WireFormat.encode(announcement, ModelAnnouncement.getEncoder()))).get();
            spec.commandLine().getOut().printf("announced %s%s on %s (partition %d, offset %d)%n", target,
                    expectedVersion == null ? "" : " (version " + expectedVersion + ")", topic, sent.partition(), sent.offset());
        } catch (java.util.concurrent.ExecutionException e) {
            throw new HarkCli.UserError("could not write to " + topic + " at " + kafka.bootstrapServers + ": "
                    + e.getCause().getMessage());
        }
        spec.commandLine().getOut().flush();
        return 0;
    }

    private void check(Path local) {
        ModelContract contract;
        try {
            contract = ModelContract.read(ModelRoot.resolve(local));
        } catch (java.io.IOException e) {
            throw new HarkCli.UserError("--location " + local + ": " + e.getMessage());
        }
        if (expectedVersion != null && !expectedVersion.equals(contract.version())) {
            throw new HarkCli.UserError("--location " + local + " holds version " + contract.version() + ", not the"
                    + " --expected-version " + expectedVersion + "; jobs would reject it");
        }
    }
}
