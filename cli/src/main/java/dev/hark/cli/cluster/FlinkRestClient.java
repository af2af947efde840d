package dev.hark.cli.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * The parts of a Flink JobManager's REST API that deploying hark needs: upload a job jar, run it, cancel a job, take
 * a savepoint (or stop with one), and read a job's state. Every failure is a {@link FlinkRestException} saying what
 * went wrong in words a person can act on, with Flink's own error text where it sent one.
 */
public final class FlinkRestClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final URI base;
    private final HttpClient http;
    private final Duration timeout;

    /** @param jobManager {@code HOST:PORT} of the REST endpoint (the web UI's address), or a URL */
    public FlinkRestClient(String jobManager, Duration timeout) {
        this.base = baseUri(jobManager);
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    static URI baseUri(String jobManager) {
        String address = jobManager.contains("://") ? jobManager : "http://" + jobManager;
        URI uri;
        try {
            uri = URI.create(address.endsWith("/") ? address.substring(0, address.length() - 1) : address);
        } catch (IllegalArgumentException e) {
            throw new FlinkRestException("--jobmanager " + jobManager + " is not HOST:PORT: " + e.getMessage());
        }
        if (uri.getHost() == null || uri.getPort() < 1) {
            throw new FlinkRestException("--jobmanager " + jobManager + " is not HOST:PORT (the REST port, 8081 by"
                    + " default: the address of Flink's web UI)");
        }
        return uri;
    }

    /** The JobManager's address, e.g. {@code http://127.0.0.1:8081}. */
    public URI base() {
        return base;
    }

    /** The web UI page of a job. */
    public URI jobPage(String jobId) {
        return URI.create(base + "/#/job/running/" + jobId + "/overview");
    }

    /** Uploads a job jar; returns the id it runs under. */
    public String upload(Path jar) {
        if (!Files.isRegularFile(jar)) {
            throw new FlinkRestException("no job jar at " + jar + " (build it with ./mvnw -B -DskipTests package, or"
                    + " give --jar)");
        }
        String boundary = "hark-" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        try {
            body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\""
                    + jar.getFileName() + "\"\r\nContent-Type: application/x-java-archive\r\n\r\n")
                    .getBytes(StandardCharsets.UTF_8));
            body.write(Files.readAllBytes(jar));
            body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new FlinkRestException("cannot read the job jar " + jar + ": " + e.getMessage());
        }
        JsonNode answer = send(HttpRequest.newBuilder(uri("/jars/upload"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())), "upload " + jar.getFileName());
        String stored = answer.path("filename").asText();
        if (stored.isEmpty()) {
            throw new FlinkRestException("the JobManager did not accept " + jar + ": " + answer);
        }
        return Path.of(stored).getFileName().toString();
    }

    /** What to run from an uploaded jar. */
    public record Run(String entryClass, List<String> arguments, Integer parallelism, String savepoint,
                      boolean allowNonRestoredState) {
    }

    /** Runs an uploaded jar; returns the job id. */
    public String run(String jarId, Run run) {
        ObjectNode request = JSON.createObjectNode();
        request.put("entryClass", run.entryClass());
        request.putPOJO("programArgsList", run.arguments());
        if (run.parallelism() != null) {
            request.put("parallelism", run.parallelism());
        }
        if (run.savepoint() != null) {
            request.put("savepointPath", run.savepoint());
            request.put("allowNonRestoredState", run.allowNonRestoredState());
        }
        JsonNode answer = send(post("/jars/" + jarId + "/run", request), "start the job");
        String jobId = answer.path("jobid").asText();
        if (jobId.isEmpty()) {
            throw new FlinkRestException("the JobManager did not start the job: " + answer);
        }
        return jobId;
    }

    /** Removes an uploaded jar (a running job keeps its own copy). */
    public void deleteJar(String jarId) {
        send(HttpRequest.newBuilder(uri("/jars/" + jarId)).DELETE(), "remove the uploaded jar");
    }

    public void cancel(String jobId) {
        send(HttpRequest.newBuilder(uri("/jobs/" + jobId + "?mode=cancel"))
                .method("PATCH", HttpRequest.BodyPublishers.noBody()), "cancel job " + jobId);
    }

    /** A job's state: RUNNING, FINISHED, CANCELED, FAILED, ... */
    public String state(String jobId) {
        return send(HttpRequest.newBuilder(uri("/jobs/" + jobId)).GET(), "read job " + jobId).path("state").asText();
    }

    /**
     * Takes a savepoint of a running job into {@code directory} (null: the cluster's
     * {@code execution.checkpointing.savepoint-dir}); with {@code stop}, stops the job with it. Waits for it and
     * returns where it lies.
     */
    public String savepoint(String jobId, String directory, boolean stop, Duration wait) {
        ObjectNode request = JSON.createObjectNode();
        String path;
        if (stop) {
            request.put("targetDirectory", directory);
            request.put("drain", false);
            path = "/jobs/" + jobId + "/stop";
        } else {
            request.put("target-directory", directory);
            request.put("cancel-job", false);
            path = "/jobs/" + jobId + "/savepoints";
        }
        String what = (stop ? "stop job " : "take a savepoint of job ") + jobId;
        String trigger = send(post(path, request), what).path("request-id").asText();
        long deadline = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode status = send(HttpRequest.newBuilder(uri("/jobs/" + jobId + "/savepoints/" + trigger)).GET(), what);
            if (status.path("status").path("id").asText().equals("COMPLETED")) {
                JsonNode operation = status.path("operation");
                if (operation.has("location")) {
                    return operation.path("location").asText();
                }
                throw new FlinkRestException("could not " + what + ": "
                        + operation.path("failure-cause").path("stack-trace").asText(operation.toString()).lines()
                        .findFirst().orElse(operation.toString()));
            }
            sleep(200);
        }
        throw new FlinkRestException("the savepoint of job " + jobId + " did not complete in " + wait.toSeconds() + " s");
    }

    /** Any GET of the REST API, e.g. {@code /jobs/ID/checkpoints}; {@code what} names it in errors. */
    public JsonNode get(String path, String what) {
        return send(HttpRequest.newBuilder(uri(path)).GET(), what);
    }

    /** The cluster's overview: TaskManagers, slots, jobs. */
    public JsonNode overview() {
        return send(HttpRequest.newBuilder(uri("/overview")).GET(), "read the cluster's overview");
    }

    private HttpRequest.Builder post(String path, JsonNode body) {
        return HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
    }

    private URI uri(String path) {
        return URI.create(base + path);
    }

    private JsonNode send(HttpRequest.Builder request, String what) {
        HttpResponse<String> response;
        try {
            response = http.send(request.timeout(timeout).build(), HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new FlinkRestException("no JobManager answers at " + base + ": is the cluster running, and is that"
                    + " its REST port (8081 by default, the web UI's)?");
        } catch (HttpTimeoutException e) {
            throw new FlinkRestException("the JobManager at " + base + " did not answer in " + timeout.toSeconds()
                    + " s while trying to " + what);
        } catch (IOException e) {
            throw new FlinkRestException("could not " + what + " at " + base + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FlinkRestException("interrupted while trying to " + what);
        }
        JsonNode body;
        try {
            body = response.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(response.body());
        } catch (IOException e) {
            body = JSON.createObjectNode().put("text", response.body());
        }
        if (response.statusCode() >= 400) {
            throw new FlinkRestException("could not " + what + " (HTTP " + response.statusCode() + "): " + errors(body));
        }
        return body;
    }

    /** Flink's error text, its stack frames left out, the first few lines: what happened and why. */
    private static String errors(JsonNode body) {
        if (!body.has("errors")) {
            return body.toString();
        }
        StringBuilder text = new StringBuilder();
        int lines = 0;
        for (JsonNode error : body.path("errors")) {
            String message = error.asText();
            for (String line : message.split("\n")) {
                String trimmed = line.trim();
                // Flink nests causes: keep the lines that say what happened, not the stack frames.
                if (!trimmed.isEmpty() && !trimmed.startsWith("at ") && !trimmed.startsWith("...")
                        && !trimmed.startsWith("<Exception on server side") && !trimmed.startsWith("End of exception")
                        && lines++ < 6) {
                    text.append(text.length() == 0 ? "" : " | ").append(trimmed);
                }
            }
        }
        return text.toString();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FlinkRestException("interrupted");
        }
    }
}
