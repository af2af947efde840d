package dev.hark.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hark.job.options.HarkOptions;
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
import io.kubernetes.client.openapi.models.V1Job;
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
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessSpec;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessUtils;
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

    /** docker-compose.yml's services by name. */
    static Map<String, JsonNode> composeServices() throws IOException {
        Map<String, JsonNode> services = new LinkedHashMap<>();
        YAML.readTree(TestAudio.REPOSITORY.resolve("docker-compose.yml").toFile()).path("services").fields()
                .forEachRemaining(service -> services.put(service.getKey(), service.getValue()));
        return services;
    }

    /** Each service's FLINK_PROPERTIES in docker-compose.yml, as lines of "key: value". */
    static Map<String, Map<String, String>> composeFlinkProperties() throws IOException {
        Map<String, Map<String, String>> byService = new LinkedHashMap<>();
        composeServices().entrySet().forEach(service -> {
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
        // The job images add hark's options to Flink's own (env.java.opts.all of the image's config.yaml) for every
        // JVM they start, in compose and wherever else they run.
        String dockerfile = Files.readString(TestAudio.REPOSITORY.resolve("Dockerfile"));
        Matcher imageOptions = Pattern.compile("ENV JDK_JAVA_OPTIONS=\"([^\"]*)\"").matcher(dockerfile);
        int images = 0;
        while (imageOptions.find()) {
            images++;
            for (String option : JOB_JAVA_OPTIONS.subList(0, 2)) {
                assertTrue(imageOptions.group(1).contains(option), "a job image lacks " + option);
            }
        }
        assertEquals(2, images, "both job images (flink, and job-gpu, which copies it) set JDK_JAVA_OPTIONS");
        // Flink's configuration script word-splits its arguments: an option with a space would keep its first word only.
        Matcher configScript = Pattern.compile("config-parser-utils\\.sh([^\\n]*(\\\\\\n[^\\n]*)*)").matcher(dockerfile);
        while (configScript.find()) {
            Matcher quoted = Pattern.compile("\"(-D[^\"]*)\"").matcher(configScript.group(1));
            while (quoted.find()) {
                assertFalse(quoted.group(1).matches("(?s).*\\s.*"), "reaches Flink cut at its first space: " + quoted.group(1));
            }
        }
    }

    /** TensorFlow Java's GPU natives and the cuDNN that they were built with (TensorFlow refuses an older one). */
    static final String TENSORFLOW_JAVA = "1.1.0";
    static final int[] TENSORFLOW_CUDNN = {9, 3};

    @Test
    void gpuImageHasTheCudnnTensorFlowWasBuiltWith() throws IOException {
        String pom = Files.readString(TestAudio.REPOSITORY.resolve("pom.xml"));
        assertTrue(pom.contains("<tensorflow.version>" + TENSORFLOW_JAVA + "</tensorflow.version>"),
                "TensorFlow Java changed: look up the cuDNN its GPU natives were built with, and set it here");
        String dockerfile = Files.readString(TestAudio.REPOSITORY.resolve("Dockerfile"));
        Matcher cudaImage = Pattern.compile("ARG CUDA_IMAGE=nvidia/cuda:(\\d+)\\.(\\d+)\\.\\d+-([a-z-]+)-ubuntu").matcher(dockerfile);
        assertTrue(cudaImage.find(), "the GPU image's base is an nvidia/cuda image");
        assertEquals("12", cudaImage.group(1), "TensorFlow 2.18 is built for CUDA 12");
        assertFalse(cudaImage.group(3).contains("cudnn"), "a -cudnn base brings (and holds) a cuDNN of its own");
        Matcher cudnn = Pattern.compile("ARG CUDNN_VERSION=(\\d+)\\.(\\d+)\\.[\\d.]+-\\d+").matcher(dockerfile);
        assertTrue(cudnn.find(), "the Dockerfile pins cuDNN");
        int major = Integer.parseInt(cudnn.group(1));
        int minor = Integer.parseInt(cudnn.group(2));
        assertEquals(TENSORFLOW_CUDNN[0], major, "cuDNN's major version is the one TensorFlow was built with");
        assertTrue(minor >= TENSORFLOW_CUDNN[1], "cuDNN " + major + "." + minor + " is older than TensorFlow's 9.3");
        assertTrue(dockerfile.contains("\"libcudnn9-cuda-12=${CUDNN_VERSION}\""), "the job-gpu stage installs that cuDNN");
        String gpuStage = dockerfile.substring(dockerfile.indexOf("AS job-gpu"));
        assertTrue(gpuStage.substring(0, gpuStage.indexOf("RUN")).contains("ARG CUDNN_VERSION"),
                "the stage declares the ARG, or the pin is empty");
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
    void imagesThatScoreWindowsRunTensorFlowOnOneDnn() throws IOException {
        // TensorFlow leaves oneDNN off on CPUs without AVX512_VNNI, bfloat16 or AMX (model-runtime's OneDnn): every
        // shipped image sets the variable, as bin/hark does. A stage inherits its base's environment.
        Map<String, Boolean> oneDnnOfStage = new LinkedHashMap<>();
        Pattern setsIt = Pattern.compile("(^|\\s)TF_ENABLE_ONEDNN_OPTS=1(\\s|$)");
        String stage = null;
        for (String line : Files.readAllLines(TestAudio.REPOSITORY.resolve("Dockerfile"))) {
            String[] words = line.trim().split("\\s+");
            if (words[0].equalsIgnoreCase("FROM")) {
                stage = words.length >= 4 && words[2].equalsIgnoreCase("AS") ? words[3] : "stage" + oneDnnOfStage.size();
                oneDnnOfStage.put(stage, oneDnnOfStage.getOrDefault(words[1], false));
            } else if (words[0].equalsIgnoreCase("ENV") && stage != null && setsIt.matcher(line.trim().substring(3)).find()) {
                oneDnnOfStage.put(stage, true);
            }
        }
        for (String shipped : List.of("flink", "job-gpu", "cli", "job")) {
            assertTrue(oneDnnOfStage.getOrDefault(shipped, false), "image " + shipped + " sets TF_ENABLE_ONEDNN_OPTS=1");
        }
        String launcher = Files.readString(TestAudio.REPOSITORY.resolve("bin").resolve("hark"));
        assertTrue(launcher.contains("export TF_ENABLE_ONEDNN_OPTS=\"${TF_ENABLE_ONEDNN_OPTS:-1}\""),
                "bin/hark sets TF_ENABLE_ONEDNN_OPTS=1 unless the caller chose");
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
        // The GPU limit places the pod; node labels such as nvidia.com/gpu.present exist only where NVIDIA's GPU
        // Operator (GPU Feature Discovery) runs, and a selector on one leaves the pod pending everywhere else.
        pod.path("nodeSelector").fieldNames().forEachRemaining(label -> assertFalse(
                label.startsWith("nvidia.com/") || label.startsWith("feature.node.kubernetes.io/"),
                "node selector on a label only the GPU Operator sets: " + label));
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

    /**
     * Native memory a TaskManager sets aside for TensorFlow, per slot (each inference subtask holds a model and its
     * session; a hot swap holds a second one for a moment). One model's process: BENCHMARKS.md, "Inference: native
     * memory under load and across model reloads". GPU TaskManagers add CUDA's libraries and context.
     */
    static final MemorySize TENSORFLOW_PER_SLOT = MemorySize.parse("384m");
    static final MemorySize TENSORFLOW_PER_GPU_SLOT = MemorySize.parse("1g");
    static final MemorySize LEAST_TASK_HEAP = MemorySize.parse("512m");

    @Test
    void taskManagersSetMemoryAsideForTensorFlow() throws IOException {
        Map<String, Map<String, String>> taskManagers = new LinkedHashMap<>();
        for (JsonNode deployment : ofKind("FlinkDeployment")) {
            Map<String, String> configuration = new LinkedHashMap<>(flinkConfiguration(deployment));
            // The operator turns the pod's memory into the TaskManager's process size.
            configuration.put("taskmanager.memory.process.size",
                    deployment.path("spec").path("taskManager").path("resource").path("memory").asText());
            taskManagers.put(deployment.path("metadata").path("name").asText(), configuration);
        }
        taskManagers.put("compose taskmanager", composeFlinkProperties().get("taskmanager"));
        for (Map.Entry<String, Map<String, String>> taskManager : taskManagers.entrySet()) {
            Configuration configuration = Configuration.fromMap(taskManager.getValue());
            // Flink's own arithmetic, as the TaskManager's start script runs it.
            TaskExecutorProcessSpec memory = TaskExecutorProcessUtils.processSpecFromConfig(configuration);
            int slots = configuration.get(TaskManagerOptions.NUM_TASK_SLOTS);
            boolean gpu = configuration.toMap().containsKey("external-resources");
            MemorySize needed = (gpu ? TENSORFLOW_PER_GPU_SLOT : TENSORFLOW_PER_SLOT).multiply(slots);
            String who = taskManager.getKey() + " (" + memory + ")";
            assertEquals(MemorySize.ZERO, memory.getManagedMemorySize(), who + ": no managed memory, which hark does not use");
            assertTrue(memory.getTaskOffHeapSize().compareTo(needed) >= 0, who + ": task off-heap memory holds TensorFlow's "
                    + needed.toHumanReadableString());
            assertTrue(memory.getTaskHeapSize().compareTo(LEAST_TASK_HEAP) >= 0, who + ": a task heap of "
                    + LEAST_TASK_HEAP.toHumanReadableString() + " or more");
        }
    }

    @Test
    void strimziResourcesUseTheApiStrimziServes() throws IOException {
        List<JsonNode> strimzi = manifests().values().stream().flatMap(List::stream)
                .filter(d -> d.path("apiVersion").asText().startsWith("kafka.strimzi.io/")).toList();
        assertEquals(Set.of("KafkaTopic", "KafkaUser"), Set.copyOf(strimzi.stream().map(d -> d.path("kind").asText()).toList()));
        for (JsonNode resource : strimzi) {
            // Strimzi 1.x serves kafka.strimzi.io/v1 only (v1beta2 went with 0.x).
            assertEquals("kafka.strimzi.io/v1", resource.path("apiVersion").asText(), resource.path("metadata").toString());
            assertEquals("kafka", resource.path("metadata").path("labels").path("strimzi.io/cluster").asText());
            // v1 dropped the single "operation" of an ACL for "operations".
            resource.path("spec").path("authorization").path("acls").forEach(acl -> {
                assertTrue(acl.path("operation").isMissingNode(), acl.toString());
                assertTrue(acl.path("operations").isArray() && acl.path("operations").size() > 0, acl.toString());
            });
        }
    }

    /** The KafkaUser's ACLs as "type name operation" strings, a prefix pattern marked by a trailing '*'. */
    static Set<String> grants() throws IOException {
        Set<String> grants = new HashSet<>();
        for (JsonNode acl : ofKind("KafkaUser").get(0).path("spec").path("authorization").path("acls")) {
            JsonNode resource = acl.path("resource");
            String name = resource.path("name").asText() + (resource.path("patternType").asText().equals("prefix") ? "*" : "");
            acl.path("operations").forEach(op -> grants.add(resource.path("type").asText() + " " + name + " " + op.asText()));
        }
        return grants;
    }

    static boolean granted(Set<String> grants, String type, String name, String operation) {
        return grants.stream().anyMatch(g -> {
            String[] parts = g.split(" ");
            return parts[0].equals(type) && parts[2].equals(operation)
                    && (parts[1].endsWith("*") ? name.startsWith(parts[1].substring(0, parts[1].length() - 1)) : name.equals(parts[1]));
        });
    }

    @Test
    void theKafkaUserMayDoWhatTheJobDoes() throws IOException {
        Set<String> grants = grants();
        for (JsonNode deployment : ofKind("FlinkDeployment")) {
            Map<String, String> c = flinkConfiguration(deployment);
            String who = deployment.path("metadata").path("name").asText();
            assertTrue(granted(grants, "topic", c.get("hark.topic.audio"), "Read"), who + " reads the audio");
            assertTrue(granted(grants, "topic", c.get("hark.topic.model-control"), "Read"), who + " reads announcements");
            for (String output : List.of("hark.topic.predictions", "hark.topic.detections", "hark.topic.dead-letters")) {
                assertTrue(granted(grants, "topic", c.get(output), "Write"), who + " writes " + c.get(output));
            }
            String group = c.get("hark.kafka.group-id");
            assertTrue(granted(grants, "group", group, "Read"), who + " commits its group's offsets");
            assertTrue(granted(grants, "group", group + "-model-control", "Read"), who + "'s control-topic reader has a group of its own");
            String prefix = c.get("hark.sink.transactional-id-prefix");
            assertTrue(granted(grants, "transactionalId", prefix + "-0-1", "Write"), who + " writes transactions as " + prefix);
            assertTrue(granted(grants, "transactionalId", prefix + "-0-1", "Describe"), who + " lists its transactions at restart");
        }
        JsonNode announce = ofKind("Job").get(0);
        String topic = argument(announce, "--topic");
        assertTrue(granted(grants, "topic", topic, "Write"), "announce-model writes " + topic);
        // The check can fail: a topic nobody granted.
        assertFalse(granted(grants, "topic", "somebody-elses-topic", "Read"));
    }

    /** The value of an announce-model Job's "--name=value" argument, or of each "--kafka-property=k=v" by k. */
    static String argument(JsonNode job, String name) {
        for (JsonNode arg : job.path("spec").path("template").path("spec").path("containers").get(0).path("args")) {
            if (arg.asText().startsWith(name + "=")) {
                return arg.asText().substring(name.length() + 1);
            }
        }
        return null;
    }

    static Map<String, String> kafkaProperties(JsonNode job) {
        Map<String, String> properties = new LinkedHashMap<>();
        for (JsonNode arg : job.path("spec").path("template").path("spec").path("containers").get(0).path("args")) {
            if (arg.asText().startsWith("--kafka-property=")) {
                String property = arg.asText().substring("--kafka-property=".length());
                properties.put(property.substring(0, property.indexOf('=')), property.substring(property.indexOf('=') + 1));
            }
        }
        return properties;
    }

    /** Where a pod spec mounts the Secret holding Strimzi's cluster CA, "" when it does not. */
    static String clusterCaMount(JsonNode podSpec) {
        String volume = null;
        for (JsonNode v : podSpec.path("volumes")) {
            if (v.path("secret").path("secretName").asText().equals("kafka-cluster-ca-cert")) {
                assertEquals("ca.crt", v.path("secret").path("items").get(0).path("key").asText());
                volume = v.path("name").asText();
            }
        }
        for (JsonNode container : podSpec.path("containers")) {
            for (JsonNode mount : container.path("volumeMounts")) {
                if (mount.path("name").asText().equals(volume)) {
                    return mount.path("mountPath").asText();
                }
            }
        }
        return "";
    }

    @Test
    void kafkaClientsTrustStrimzisClusterCa() throws IOException {
        for (JsonNode deployment : ofKind("FlinkDeployment")) {
            Map<String, String> c = flinkConfiguration(deployment);
            String who = deployment.path("metadata").path("name").asText();
            assertEquals("SASL_SSL", c.get("hark.kafka.properties.security.protocol"));
            assertEquals("PEM", c.get("hark.kafka.properties.ssl.truststore.type"), who);
            String mount = clusterCaMount(deployment.path("spec").path("podTemplate").path("spec"));
            assertFalse(mount.isEmpty(), who + " mounts the cluster CA");
            assertEquals(mount + "/ca.crt", c.get("hark.kafka.properties.ssl.truststore.location"), who);
        }
        // announce-model talks to the same listener with the same settings.
        JsonNode job = ofKind("Job").get(0);
        V1Job.validateJsonElement(JsonParser.parseString(job.toString()));
        Map<String, String> jobSettings = flinkConfiguration(ofKind("FlinkDeployment").get(0));
        assertEquals(jobSettings.get("hark.kafka.bootstrap-servers"), argument(job, "--bootstrap-servers"));
        Map<String, String> properties = kafkaProperties(job);
        for (String key : List.of("security.protocol", "sasl.mechanism", "ssl.truststore.type", "config.providers",
                "config.providers.env.class", "sasl.jaas.config")) {
            assertEquals(jobSettings.get("hark.kafka.properties." + key), properties.get(key), "announce-model's " + key);
        }
        String mount = clusterCaMount(job.path("spec").path("template").path("spec"));
        assertEquals(mount + "/ca.crt", properties.get("ssl.truststore.location"));
        String variable = ENV_REFERENCE.matcher(properties.get("sasl.jaas.config")).replaceAll("$1");
        JsonNode env = job.path("spec").path("template").path("spec").path("containers").get(0).path("env");
        assertTrue(env.toString().contains("\"name\":\"" + variable + "\""), "the Job sets " + variable);
    }
}
