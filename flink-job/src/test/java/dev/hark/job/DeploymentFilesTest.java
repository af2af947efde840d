package dev.hark.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.google.gson.JsonParser;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.hark.job.testing.TestAudio;
import io.kubernetes.client.openapi.models.V1PodTemplateSpec;
import io.kubernetes.client.openapi.models.V1Secret;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The deployment files, checked without a cluster or a Docker engine: every {@code FlinkDeployment} in {@code k8s/}
 * against the Flink Kubernetes Operator's CRD schema, every core object (Secrets, pod templates) against
 * Kubernetes' own model classes, and what they say to the job against the job: its options exist, the Java options
 * it needs are set, credentials come from Secrets, GPU TaskManagers ask for GPUs, and the topics agree.
 */
class DeploymentFilesTest {
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final Path K8S = TestAudio.REPOSITORY.resolve("k8s");
    /** What the job's JVMs need beside Flink's own options: the Vector API and a JavaCPP cache they can write. */
    static final List<String> JOB_JAVA_OPTIONS = List.of("--add-modules=jdk.incubator.vector",
            "-Dorg.bytedeco.javacpp.cachedir=/opt/flink/javacpp-cache", "--add-opens=java.base/java.util=ALL-UNNAMED",
            "--add-opens=java.base/java.lang=ALL-UNNAMED");
    static final Pattern ENV_REFERENCE = Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)}");

    /** Every document of every YAML file in k8s/, by file. */
    static Map<String, List<JsonNode>> manifests() throws IOException {
        Map<String, List<JsonNode>> all = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(K8S)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                List<JsonNode> docs = new ArrayList<>();
                try (var parser = YAML.getFactory().createParser(file.toFile())) {
                    YAML.readValues(parser, JsonNode.class).forEachRemaining(doc -> {
                        if (doc != null && !doc.isNull()) {
                            docs.add(doc);
                        }
                    });
                }
                all.put(file.getFileName().toString(), docs);
            }
        }
        return all;
    }

    static List<JsonNode> ofKind(String kind) throws IOException {
        return manifests().values().stream().flatMap(List::stream).filter(d -> d.path("kind").asText().equals(kind)).toList();
    }

    static JsonSchema flinkDeploymentSchema() throws IOException {
        try (InputStream crd = DeploymentFilesTest.class.getResourceAsStream("/k8s/flinkdeployments.flink.apache.org-v1.yml")) {
            JsonNode definition = YAML.readTree(crd);
            for (JsonNode version : definition.path("spec").path("versions")) {
                if (version.path("name").asText().equals("v1beta1")) {
                    return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4)
                            .getSchema(version.path("schema").path("openAPIV3Schema"));
                }
            }
        }
        throw new IllegalStateException("the CRD has no v1beta1 schema");
    }

    /** The FlinkDeployment's Flink configuration as flat keys (the operator takes nested and flat keys alike). */
    static Map<String, String> flinkConfiguration(JsonNode deployment) {
        Map<String, String> flat = new LinkedHashMap<>();
        flatten("", deployment.path("spec").path("flinkConfiguration"), flat);
        return flat;
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> out) {
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> flatten(prefix + e.getKey() + (e.getValue().isObject() ? "." : ""), e.getValue(), out));
        } else {
            out.put(prefix, node.asText());
        }
    }

    /** Each service's FLINK_PROPERTIES in docker-compose.yml, parsed as the Flink image's entrypoint does. */
    static Map<String, Map<String, String>> composeFlinkProperties() throws IOException {
        JsonNode compose = YAML.readTree(TestAudio.REPOSITORY.resolve("docker-compose.yml").toFile());
        Map<String, Map<String, String>> byService = new LinkedHashMap<>();
        compose.path("services").fields().forEachRemaining(service -> {
            String properties = service.getValue().path("environment").path("FLINK_PROPERTIES").asText("");
            if (!properties.isEmpty()) {
                Map<String, String> keys = new LinkedHashMap<>();
                properties.lines().map(String::trim).filter(l -> !l.isEmpty()).forEach(line ->
                        keys.put(line.substring(0, line.indexOf(':')).trim(), line.substring(line.indexOf(':') + 1).trim()));
                byService.put(service.getKey(), keys);
            }
        });
        return byService;
    }

    @Test
    void everyFlinkDeploymentMatchesTheOperatorsSchema() throws IOException {
        JsonSchema schema = flinkDeploymentSchema();
        List<JsonNode> deployments = ofKind("FlinkDeployment");
        assertEquals(2, deployments.size(), "a CPU and a GPU deployment");
        for (JsonNode deployment : deployments) {
            Set<ValidationMessage> problems = schema.validate(deployment);
            assertTrue(problems.isEmpty(), deployment.path("metadata").path("name") + ": " + problems);
            assertEquals("v2_2", deployment.path("spec").path("flinkVersion").asText());
            assertEquals("savepoint", deployment.path("spec").path("job").path("upgradeMode").asText());
            assertEquals("dev.hark.job.HarkJob", deployment.path("spec").path("job").path("entryClass").asText());
        }
        // The schema does reject what the operator would: a Flink version it does not know, an upgrade mode it has not.
        ObjectNode wrong = deployments.get(0).deepCopy();
        ((ObjectNode) wrong.path("spec")).put("flinkVersion", "v9_9");
        ((ObjectNode) wrong.path("spec").path("job")).put("upgradeMode", "whenever");
        assertEquals(2, schema.validate(wrong).size(), schema.validate(wrong).toString());
    }

    @Test
    void coreObjectsAreValidKubernetesObjects() throws IOException {
        List<JsonNode> secrets = ofKind("Secret");
        assertEquals(2, secrets.size());
        for (JsonNode secret : secrets) {
            V1Secret.validateJsonElement(JsonParser.parseString(secret.toString()));
        }
        for (JsonNode deployment : ofKind("FlinkDeployment")) {
            V1PodTemplateSpec.validateJsonElement(JsonParser.parseString(deployment.path("spec").path("podTemplate").toString()));
            JsonNode taskManagerTemplate = deployment.path("spec").path("taskManager").path("podTemplate");
            if (!taskManagerTemplate.isMissingNode()) {
                V1PodTemplateSpec.validateJsonElement(JsonParser.parseString(taskManagerTemplate.toString()));
            }
        }
        // Kubernetes' model classes refuse a field they do not have.
        ObjectNode misspelt = secrets.get(0).deepCopy();
        misspelt.set("strngData", misspelt.remove("stringData"));
        assertThrows(IllegalArgumentException.class, () -> V1Secret.validateJsonElement(JsonParser.parseString(misspelt.toString())));
    }

    @Test
    void theJobsOptionsExistAndItsJavaOptionsAreSet() throws IOException {
        List<Map<String, String>> configurations = new ArrayList<>();
        for (JsonNode deployment : ofKind("FlinkDeployment")) {
            configurations.add(flinkConfiguration(deployment));
        }
        configurations.addAll(composeFlinkProperties().values());
        assertEquals(4, configurations.size(), "two FlinkDeployments, and the compose JobManager and TaskManager");
        for (Map<String, String> configuration : configurations) {
            HarkOptions.requireKnownKeys(configuration.keySet()); // a typo fails here, as it would fail the job
        }
        for (JsonNode deployment : ofKind("FlinkDeployment")) {
            String javaOptions = flinkConfiguration(deployment).get("env.java.opts.all");
            for (String option : JOB_JAVA_OPTIONS) {
                assertTrue(javaOptions.contains(option), deployment.path("metadata").path("name") + " lacks " + option);
            }
        }
        // The images set them for compose and for whoever runs them (Flink's entrypoint keeps the file's value).
        String dockerfile = Files.readString(TestAudio.REPOSITORY.resolve("Dockerfile"));
        Matcher imageOptions = Pattern.compile("-Denv\\.java\\.opts\\.all=([^\"]*)\"").matcher(dockerfile);
        assertTrue(imageOptions.find(), "the Dockerfile sets env.java.opts.all");
        for (String option : JOB_JAVA_OPTIONS) {
            assertTrue(imageOptions.group(1).contains(option), "the images lack " + option);
        }
    }

    @Test
    void credentialsComeFromSecretsOnly() throws IOException {
        Map<String, Set<String>> secretKeys = new HashMap<>();
        for (JsonNode secret : ofKind("Secret")) {
            Set<String> keys = new HashSet<>();
            secret.path("stringData").fieldNames().forEachRemaining(keys::add);
            secretKeys.put(secret.path("metadata").path("name").asText(), keys);
            secret.path("stringData").forEach(value -> assertTrue(value.asText().contains("CHANGE-ME"),
                    "secrets.yaml holds placeholders, never real credentials"));
        }
        for (JsonNode deployment : ofKind("FlinkDeployment")) {
            Map<String, String> configuration = flinkConfiguration(deployment);
            Map<String, JsonNode> environment = new HashMap<>();
            deployment.path("spec").path("podTemplate").path("spec").path("containers").forEach(c ->
                    c.path("env").forEach(e -> environment.put(e.path("name").asText(), e)));
            for (Map.Entry<String, String> option : configuration.entrySet()) {
                String key = option.getKey().toLowerCase(java.util.Locale.ROOT);
                if (key.contains("jaas") || key.contains("password") || key.contains("secret") || key.contains("access-key")) {
                    Matcher reference = ENV_REFERENCE.matcher(option.getValue());
                    assertTrue(reference.matches(), option.getKey() + " must come from a Secret (${env:NAME}), not be"
                            + " written in the manifest");
                    JsonNode variable = environment.get(reference.group(1));
                    assertTrue(variable != null, reference.group(1) + " is set in the pod template");
                    JsonNode ref = variable.path("valueFrom").path("secretKeyRef");
                    assertTrue(secretKeys.getOrDefault(ref.path("name").asText(), Set.of()).contains(ref.path("key").asText()),
                            reference.group(1) + " comes from a key of a Secret in secrets.yaml: " + variable);
                }
                assertFalse(option.getValue().contains("CHANGE-ME") || option.getValue().contains("password="),
                        option.getKey() + " holds a credential");
            }
            assertTrue(configuration.containsKey("hark.kafka.properties.config.providers.env.class"),
                    "Kafka's environment-variable config provider reads the ${env:...} references");
        }
    }

    @Test
    void containersRunAsNonRoot() throws IOException {
        // Every image the Dockerfile ships runs as a non-root user (only the build stages, never shipped, are root).
        Map<String, String> userOfStage = new LinkedHashMap<>();
        String stage = null;
        for (String line : Files.readAllLines(TestAudio.REPOSITORY.resolve("Dockerfile"))) {
            String[] words = line.trim().split("\\s+");
            if (words[0].equalsIgnoreCase("FROM")) {
                stage = words.length >= 4 && words[2].equalsIgnoreCase("AS") ? words[3] : "stage" + userOfStage.size();
                userOfStage.put(stage, userOfStage.getOrDefault(words[1], "root")); // a stage inherits its base's user
            } else if (words[0].equalsIgnoreCase("USER") && stage != null) {
                userOfStage.put(stage, words[1]);
            }
        }
        assertEquals(List.of("build", "build-gpu", "flink", "job-gpu", "cli", "job"), List.copyOf(userOfStage.keySet()));
        userOfStage.forEach((name, user) -> assertTrue(name.startsWith("build") || !user.equals("root") && !user.equals("0"),
                "image " + name + " runs as " + user));
        // Every pod of every FlinkDeployment runs as a non-root user.
        List<JsonNode> deployments = ofKind("FlinkDeployment");
        assertTrue(!deployments.isEmpty());
        for (JsonNode d : deployments) {
            JsonNode context = d.path("spec").path("podTemplate").path("spec").path("securityContext");
            assertTrue(context.path("runAsNonRoot").asBoolean(), d.path("metadata").path("name") + ": runAsNonRoot");
            assertTrue(context.path("runAsUser").asInt() > 0, d.path("metadata").path("name") + ": runAsUser");
        }
    }

    @Test
    void gpuTaskManagersAskForAGpuOnGpuNodes() throws IOException {
        JsonNode gpu = ofKind("FlinkDeployment").stream()
                .filter(d -> d.path("spec").path("image").asText().contains("hark-gpu")).findFirst().orElseThrow();
        Map<String, String> configuration = flinkConfiguration(gpu);
        assertEquals("gpu", configuration.get("external-resources"));
        assertEquals("nvidia.com/gpu", configuration.get("external-resource.gpu.kubernetes.config-key"));
        assertEquals("org.apache.flink.externalresource.gpu.GPUDriverFactory",
                configuration.get("external-resource.gpu.driver-factory.class"));
        JsonNode pod = gpu.path("spec").path("taskManager").path("podTemplate").path("spec");
        JsonNode container = pod.path("containers").get(0);
        assertEquals("flink-main-container", container.path("name").asText(), "the container Flink's operator fills in");
        assertEquals(configuration.get("external-resource.gpu.amount"),
                container.path("resources").path("limits").path("nvidia.com/gpu").asText());
        assertEquals("nvidia.com/gpu", pod.path("tolerations").get(0).path("key").asText());
        assertFalse(pod.path("nodeSelector").isEmpty());
        assertTrue(gpu.path("spec").path("jobManager").path("podTemplate").isMissingNode(), "the JobManager needs no GPU");
    }

    @Test
    void everyTopicTheJobUsesExists() throws IOException {
        Set<String> kafkaTopics = new HashSet<>();
        for (JsonNode topic : ofKind("KafkaTopic")) {
            kafkaTopics.add(topic.path("metadata").path("name").asText());
            if (topic.path("metadata").path("name").asText().equals("model-control")) {
                assertEquals(1, topic.path("spec").path("partitions").asInt(), "announcements keep their order");
            }
        }
        for (JsonNode deployment : ofKind("FlinkDeployment")) {
            flinkConfiguration(deployment).forEach((key, value) -> {
                if (key.startsWith("hark.topic.")) {
                    assertTrue(kafkaTopics.contains(value), value + " (" + key + ") is one of topics.yaml's");
                }
            });
        }
        // docker-compose.yml's one-shot service creates what the job there reads and writes.
        String compose = Files.readString(TestAudio.REPOSITORY.resolve("docker-compose.yml"));
        Matcher created = Pattern.compile("for topic in ([^;]*);").matcher(compose);
        assertTrue(created.find());
        Set<String> composeTopics = new HashSet<>();
        for (String entry : created.group(1).trim().split("\\s+")) {
            composeTopics.add(entry.substring(0, entry.indexOf(':')));
        }
        composeFlinkProperties().get("jobmanager").forEach((key, value) -> {
            if (key.startsWith("hark.topic.")) {
                assertTrue(composeTopics.contains(value), value + " (" + key + ") is created by the topics service");
            }
        });
        assertTrue(created.group(1).contains("model-control:1"));
    }
}
