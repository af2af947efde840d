package dev.hark.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * hark's principals on a secured local broker, each allowed what its role needs and nothing more, with its client
 * properties written to a file only its owner may read:
 * <ul>
 *   <li>{@value #JOB}: reads the audio and control topics, writes predictions, dead letters and detections, in
 *       transactions of its own ({@code hark*} transactional ids) and consumer groups {@code hark*};</li>
 *   <li>{@value #PRODUCER}: writes audio and model announcements;</li>
 *   <li>{@value #CONSUMER}: reads predictions, detections and dead letters, in groups {@code hark*}.</li>
 * </ul>
 * Passwords are generated once and kept in the folder: a broker restarted with the same folder and data keeps its
 * users. They are never printed.
 */
public final class BrokerUsers {
    public static final String JOB = "hark-job";
    public static final String PRODUCER = "hark-producer";
    public static final String CONSUMER = "hark-consumer";
    private static final String ADMIN_FILE = "admin.properties";

    private BrokerUsers() {
    }

    /** What the roles read and write: the audio topic, the output topics, and the control topics. */
    public record Topics(String audio, List<String> outputs, List<String> control) {
    }

    /** The admin's password kept in {@code dir}, made (and kept) on first use. */
    public static String adminPassword(Path dir) {
        return password(dir, ADMIN_FILE, EmbeddedKafka.ADMIN);
    }

    /** Creates the principals and their ACLs on {@code kafka} (as its admin); returns each one's properties file. */
    public static Map<String, Path> create(EmbeddedKafka kafka, Path dir, Topics topics) {
        Map<String, Path> files = new TreeMap<>();
        List<AclBinding> acls = new ArrayList<>();
        List<UserScramCredentialUpsertion> users = new ArrayList<>();
        for (String user : List.of(JOB, PRODUCER, CONSUMER)) {
            String password = password(dir, user + ".properties", user);
            users.add(new UserScramCredentialUpsertion(user,
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192), password));
            files.put(user, dir.resolve(user + ".properties"));
        }
        for (String topic : List.of(topics.audio())) {
            acls.add(allow(JOB, ResourceType.TOPIC, topic, PatternType.LITERAL, AclOperation.READ));
            acls.add(allow(PRODUCER, ResourceType.TOPIC, topic, PatternType.LITERAL, AclOperation.WRITE));
        }
        for (String topic : topics.outputs()) {
            acls.add(allow(JOB, ResourceType.TOPIC, topic, PatternType.LITERAL, AclOperation.WRITE));
            acls.add(allow(CONSUMER, ResourceType.TOPIC, topic, PatternType.LITERAL, AclOperation.READ));
        }
        for (String topic : topics.control()) {
            acls.add(allow(JOB, ResourceType.TOPIC, topic, PatternType.LITERAL, AclOperation.READ));
            acls.add(allow(PRODUCER, ResourceType.TOPIC, topic, PatternType.LITERAL, AclOperation.WRITE));
        }
        acls.add(allow(JOB, ResourceType.GROUP, "hark", PatternType.PREFIXED, AclOperation.READ));
        acls.add(allow(JOB, ResourceType.TRANSACTIONAL_ID, "hark", PatternType.PREFIXED, AclOperation.WRITE));
        acls.add(allow(JOB, ResourceType.TRANSACTIONAL_ID, "hark", PatternType.PREFIXED, AclOperation.DESCRIBE));
        acls.add(allow(CONSUMER, ResourceType.GROUP, "hark", PatternType.PREFIXED, AclOperation.READ));
        try (Admin admin = kafka.admin()) {
            admin.alterUserScramCredentials(new ArrayList<>(users)).all().get(30, TimeUnit.SECONDS);
            admin.createAcls(acls).all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("could not create hark's users and ACLs on the broker: " + e.getMessage(), e);
        }
        return files;
    }

    private static AclBinding allow(String user, ResourceType type, String name, PatternType pattern, AclOperation operation) {
        return new AclBinding(new ResourcePattern(type, name, pattern),
                new AccessControlEntry("User:" + user, "*", operation, AclPermissionType.ALLOW));
    }

    /** The password in {@code dir/file}, or a new one written there with the client properties of {@code user}. */
    private static String password(Path dir, String file, String user) {
        Path path = dir.resolve(file);
        try {
            if (Files.isRegularFile(path)) {
                Properties kept = new Properties();
                try (var in = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
                    kept.load(in);
                }
                String jaas = kept.getProperty("sasl.jaas.config", "");
                int at = jaas.indexOf("password=\"");
                if (at >= 0) {
                    return jaas.substring(at + 10, jaas.indexOf('"', at + 10));
                }
            }
            byte[] random = new byte[18];
            new SecureRandom().nextBytes(random);
            String password = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            Files.createDirectories(dir);
            StringBuilder text = new StringBuilder("# Kafka client properties of " + user + " on bin/hark broker --secure."
                    + " Pass with --kafka-config; keep private.\n");
            new TreeMap<>(EmbeddedKafka.scramClientProperties(user, password))
                    .forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
            Path tmp = Files.createTempFile(dir, file, ".tmp"); // owner-only from the start
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            Files.move(tmp, path, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return password;
        } catch (IOException e) {
            throw new UncheckedIOException("could not keep the credentials of " + user + " in " + path, e);
        }
    }
}
