package dev.hark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hark.avro.ModelAnnouncement;
import dev.hark.job.ingest.AnnouncementDecoding;
import dev.hark.job.ingest.RawRecord;
import dev.hark.job.testing.KafkaBrokerExtension;
import dev.hark.job.testing.TopicReader;
import dev.hark.model.ModelVersions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code bin/hark announce-model} writes an announcement that the job's own decoder accepts, for the model the user
 * named (made absolute, version checked); HotSwapITCase shows a running job switching on such a record.
 */
class AnnounceModelCommandITCase {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @Test
    void writesAnAnnouncementTheJobAccepts() throws Exception {
        KAFKA.createTopic("control", 1);
        String version = dev.hark.model.ModelContract.read(ModelVersions.BUNDLED).version();
        HarkCommand command = HarkCommand.run("announce-model", "--bootstrap-servers", KAFKA.bootstrapServers(),
                "--topic", "control", "--location", ModelVersions.BUNDLED.toString(), "--expected-version", version, "--by", "ops");
        assertEquals(0, command.exit(), command.err());
        assertTrue(command.out().contains("on control (partition 0, offset 0)"), command.out());
        try (TopicReader reader = TopicReader.of(KAFKA.bootstrapServers(), "control")) {
            List<ConsumerRecord<byte[], byte[]>> records = reader.untilCount("control", 1, Duration.ofSeconds(30))
                    .records("control");
            assertEquals(1, records.size());
            ConsumerRecord<byte[], byte[]> r = records.get(0);
            ModelAnnouncement announced = AnnouncementDecoding.decode(
                    new RawRecord(r.topic(), r.partition(), r.offset(), r.timestamp(), r.key(), r.value()));
            assertEquals(ModelVersions.BUNDLED.toAbsolutePath().normalize().toString(), announced.getLocation(),
                    "a local path, made absolute: the TaskManagers do not share the user's working folder");
            assertEquals(version, announced.getExpectedVersion());
            assertEquals("ops", announced.getAnnouncedBy());
            assertTrue(Path.of(announced.getLocation()).isAbsolute());
        }
    }
}
