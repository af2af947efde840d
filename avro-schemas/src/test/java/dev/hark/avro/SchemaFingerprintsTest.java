package dev.hark.avro;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.junit.jupiter.api.Test;

/** The header bytes that the README tells other languages to send, and the Python example sends, are the schemas'. */
class SchemaFingerprintsTest {
    private static final List<Schema> SCHEMAS = List.of(AudioChunk.getClassSchema(), Prediction.getClassSchema(),
            Detection.getClassSchema(), DeadLetter.getClassSchema(), ModelAnnouncement.getClassSchema());

    /** {@code c3 01} and the CRC-64-AVRO fingerprint of the Parsing Canonical Form, little-endian, as hex. */
    static String header(Schema schema) {
        long fingerprint = SchemaNormalization.parsingFingerprint64(schema);
        StringBuilder hex = new StringBuilder("c3 01");
        for (int i = 0; i < 8; i++) {
            hex.append(String.format(" %02x", (fingerprint >>> (8 * i)) & 0xff));
        }
        return hex.toString();
    }

    @Test
    void theReadmeListsEachSchemasHeader() throws Exception {
        String readme = Files.readString(Path.of("README.md"), StandardCharsets.UTF_8);
        for (Schema schema : SCHEMAS) {
            String row = "| `" + schema.getName() + "` | `" + header(schema) + "` |";
            assertTrue(readme.contains(row), "README.md should have the row " + row);
        }
    }

    @Test
    void thePythonExampleSendsTheSameHeaders() throws Exception {
        String python = Files.readString(Path.of("..", "examples", "python", "hark_wire.py"), StandardCharsets.UTF_8);
        for (Schema schema : SCHEMAS.subList(0, 4)) {
            String entry = "\"" + schema.getName() + "\": bytes.fromhex(\"" + header(schema) + "\")";
            assertTrue(python.contains(entry), "hark_wire.py should have " + entry);
        }
    }
}
