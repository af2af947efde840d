package dev.hark.client;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;

/**
 * Checks, before a command starts its real work, that the Kafka it was given answers and holds the topics it needs,
 * so that a wrong address, a broker that is down, bad credentials or a missing topic give one line that says what to
 * do, within a bounded time, instead of a client that retries silently.
 */
public final class KafkaPreflight {
    /** How long a broker may take to answer before the command gives up. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(20);

    private KafkaPreflight() {
    }

    /** Why Kafka cannot be used as asked; the message says what to do. */
    public static final class KafkaUnavailableException extends IllegalStateException {
        public KafkaUnavailableException(String message) {
            super(message);
        }
    }

    /** Fails with a {@link KafkaUnavailableException} unless the brokers answer and every topic exists. */
    public static void check(String bootstrapServers, Map<String, String> properties, Collection<String> topics,
                             Duration timeout) {
        Map<String, AclOperation> describe = new java.util.LinkedHashMap<>();
        topics.forEach(topic -> describe.put(topic, AclOperation.DESCRIBE));
        check(bootstrapServers, properties, describe, timeout);
    }

    /**
     * As above, and the principal must be allowed {@code access.get(topic)} on each topic (READ or WRITE): where
     * the brokers enforce ACLs, a missing one is named now rather than failing the first read or write.
     */
    public static void check(String bootstrapServers, Map<String, String> properties, Map<String, AclOperation> access,
                             Duration timeout) {
        Collection<String> topics = access.keySet();
        Map<String, String> bounded = new java.util.HashMap<>(properties);
        bounded.putIfAbsent("request.timeout.ms", String.valueOf(timeout.toMillis()));
        bounded.putIfAbsent("default.api.timeout.ms", String.valueOf(timeout.toMillis()));
        try (Admin admin = KafkaClients.admin(bootstrapServers, bounded)) {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) timeout.toMillis()))
                    .nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (topics.isEmpty()) {
                return;
            }
            Set<String> existing = admin.listTopics(new ListTopicsOptions().timeoutMs((int) timeout.toMillis()))
                    .names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            List<String> missing = topics.stream().filter(t -> !existing.contains(t)).distinct().toList();
            if (missing.isEmpty()) {
                requireAccess(admin, bootstrapServers, properties, access, timeout);
            } else {
                requireVisible(admin, bootstrapServers, properties, access, missing, timeout);
            }
            if (!missing.isEmpty()) {
                throw new KafkaUnavailableException((missing.size() == 1 ? "topic " : "topics ")
                        + String.join(", ", missing) + (missing.size() == 1 ? " does" : " do") + " not exist on "
                        + bootstrapServers + " (it has " + (existing.isEmpty() ? "no topics" : existing.stream().sorted()
                        .collect(Collectors.joining(", "))) + "): create " + (missing.size() == 1 ? "it" : "them")
                        + " (kafka-topics.sh --create, or bin/hark broker, which creates hark's), or name another topic");
            }
        } catch (TimeoutException e) {
            throw unreachable(bootstrapServers, timeout);
        } catch (ExecutionException e) {
            throw explain(bootstrapServers, timeout, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaUnavailableException("interrupted while reaching Kafka at " + bootstrapServers);
        } catch (org.apache.kafka.common.KafkaException e) {
            throw new KafkaUnavailableException("cannot use Kafka at " + bootstrapServers + ": " + e.getMessage()
                    + (e.getCause() == null ? "" : " (" + e.getCause().getMessage() + ")")
                    + "; check --bootstrap-servers and the --kafka-property values");
        }
    }

    /** The topics' operations this principal is allowed, as the brokers report them, against what it needs. */
    private static void requireAccess(Admin admin, String bootstrapServers, Map<String, String> properties,
                                      Map<String, AclOperation> access, Duration timeout)
            throws ExecutionException, InterruptedException, TimeoutException {
        Map<String, TopicDescription> described = admin.describeTopics(access.keySet(),
                        new DescribeTopicsOptions().includeAuthorizedOperations(true).timeoutMs((int) timeout.toMillis()))
                .allTopicNames().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        for (Map.Entry<String, AclOperation> need : access.entrySet()) {
            Set<AclOperation> allowed = described.get(need.getKey()).authorizedOperations();
            if (allowed == null || allowed.contains(need.getValue()) || allowed.contains(AclOperation.ALL)) {
                continue;
            }
            String user = userName(properties);
            String operation = need.getValue().name().charAt(0) + need.getValue().name().substring(1).toLowerCase();
            throw new KafkaUnavailableException("Kafka at " + bootstrapServers + " does not allow "
                    + (user == null ? "this principal" : "principal " + user) + " to " + need.getValue().name()
                    + " topic " + need.getKey() + " (allowed: " + allowed.stream().map(Enum::name).sorted()
                    .collect(Collectors.joining(", ")) + "): use the credentials meant for this command, or grant it:"
                    + " kafka-acls.sh --add --allow-principal User:" + (user == null ? "<name>" : user)
                    + " --operation " + operation + " --topic " + need.getKey());
        }
    }

    /** Topics the listing left out may exist but be hidden from this principal (no ACL on them): say so. */
    private static void requireVisible(Admin admin, String bootstrapServers, Map<String, String> properties,
                                       Map<String, AclOperation> access, List<String> unlisted, Duration timeout)
            throws InterruptedException, TimeoutException {
        var described = admin.describeTopics(unlisted, new DescribeTopicsOptions().timeoutMs((int) timeout.toMillis()))
                .topicNameValues();
        for (String topic : unlisted) {
            try {
                described.get(topic).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof org.apache.kafka.common.errors.TopicAuthorizationException) {
                    String user = userName(properties);
                    AclOperation needed = access.get(topic);
                    String operation = needed.name().charAt(0) + needed.name().substring(1).toLowerCase();
                    throw new KafkaUnavailableException("Kafka at " + bootstrapServers + " does not allow "
                            + (user == null ? "this principal" : "principal " + user) + " to " + needed.name()
                            + " topic " + topic + " (it may not even see it): use the credentials meant for this"
                            + " command, or grant it: kafka-acls.sh --add --allow-principal User:"
                            + (user == null ? "<name>" : user) + " --operation " + operation + " --topic " + topic);
                }
                // Unknown topic: the caller says it does not exist.
            }
        }
    }

    /** The SASL user name in the JAAS line, for messages (never the password); null when there is none. */
    private static String userName(Map<String, String> properties) {
        java.util.regex.Matcher user = java.util.regex.Pattern.compile("username=\"([^\"]*)\"")
                .matcher(properties.getOrDefault("sasl.jaas.config", ""));
        return user.find() ? user.group(1) : null;
    }

    private static KafkaUnavailableException explain(String bootstrapServers, Duration timeout, Throwable cause) {
        if (cause instanceof AuthenticationException) {
            return new KafkaUnavailableException("Kafka at " + bootstrapServers + " refused the credentials: "
                    + cause.getMessage() + "; check sasl.jaas.config and security.protocol (--kafka-property)");
        }
        if (cause instanceof AuthorizationException) {
            return new KafkaUnavailableException("Kafka at " + bootstrapServers + " refused access: "
                    + cause.getMessage() + "; the principal needs an ACL for it");
        }
        if (cause instanceof org.apache.kafka.common.errors.TimeoutException) {
            return unreachable(bootstrapServers, timeout);
        }
        return new KafkaUnavailableException("cannot use Kafka at " + bootstrapServers + ": " + cause.getMessage());
    }

    private static KafkaUnavailableException unreachable(String bootstrapServers, Duration timeout) {
        return new KafkaUnavailableException("no Kafka broker answered at " + bootstrapServers + " within "
                + timeout.toSeconds() + " s: is it running and is that its address? (bin/hark broker starts one on"
                + " 127.0.0.1:9092; with TLS or SASL, pass security.protocol and the rest as --kafka-property)");
    }
}
