package dev.hark.cli.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * A hark job seen through its JobManager's REST API, as an operator watches it: whether every task runs, what flowed
 * through it (hark's own metrics, summed over subtasks), its last checkpoint, and how often and why it restarted; so
 * that a job restarting in a loop never looks like a healthy one.
 */
public final class JobWatch {
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT);

    private final FlinkRestClient rest;
    private final String jobId;
    /** The last completed checkpoint seen. */
    private JsonNode lastCompleted;
    /** Per vertex, the metric names that feed each figure; found once the vertex's tasks have registered them. */
    private final Map<String, Map<Figure, List<String>>> metricNames = new HashMap<>();

    /** A figure of the status line and the metrics (summed over subtasks) that make it. */
    enum Figure {
        CHUNKS_IN, WINDOWS_SCORED, PREDICTIONS_OUT, DEAD_LETTERS;

        /** Whether a metric (as the REST API names it: {@code <operator name>.<metric>}) counts towards this figure. */
        boolean counts(String metric) {
            return switch (this) {
                case CHUNKS_IN -> metric.endsWith(".chunksIn");
                case WINDOWS_SCORED -> metric.endsWith(".windowsScored");
                // Each operator's total, not its per-reason counters.
                case DEAD_LETTERS -> metric.endsWith(".deadLetters") && !metric.contains(".reason.");
                case PREDICTIONS_OUT -> metric.startsWith("Kafka_predictions") && metric.endsWith(".numRecordsSend");
            };
        }
    }

    /** What the status line shows. Counts are -1 until the job's tasks report them. */
    public record Status(String state, int tasksRunning, int tasks, Map<Figure, Long> figures, long checkpoints,
                         long failedCheckpoints, long lastCheckpointAgeMillis, long lastCheckpointBytes,
                         String checkpointFailure, long restarts,
                         String lastFailure, long lastFailureAgeMillis) {
        public long figure(Figure figure) {
            return figures.getOrDefault(figure, -1L);
        }

        public boolean allTasksRunning() {
            return tasks > 0 && tasksRunning == tasks;
        }
    }

    public JobWatch(FlinkRestClient rest, String jobId) {
        this.rest = rest;
        this.jobId = jobId;
    }

    /** A job of the Flink inside this process, whose REST API listens on {@code 127.0.0.1:port}. */
    public static JobWatch onLoopback(int port, String jobId) {
        return new JobWatch(new FlinkRestClient("127.0.0.1:" + port, Duration.ofSeconds(10)), jobId);
    }

    /** The job's page in Flink's web UI. */
    public URI page() {
        return rest.jobPage(jobId);
    }

    public Status read() {
        long now = System.currentTimeMillis();
        JsonNode job = rest.get("/jobs/" + jobId, "read job " + jobId);
        int running = 0;
        int tasks = 0;
        Map<Figure, Long> figures = new HashMap<>();
        for (JsonNode vertex : job.path("vertices")) {
            tasks += vertex.path("parallelism").asInt();
            running += vertex.path("tasks").path("RUNNING").asInt();
            sumFigures(vertex.path("id").asText(), figures);
        }
        JsonNode checkpoints = rest.get("/jobs/" + jobId + "/checkpoints", "read the checkpoints of job " + jobId);
        JsonNode latest = checkpoints.path("latest").path("completed");
        if (latest.isObject()) {
            lastCompleted = latest;
        } else if (checkpoints.path("counts").path("completed").asLong() > 0 && lastCompleted != null) {
            latest = lastCompleted; // the REST API leaves "latest" out now and then while its statistics refresh
        }
        long age = latest.isObject() ? now - latest.path("latest_ack_timestamp").asLong() : -1;
        long bytes = latest.isObject() ? latest.path("checkpointed_size").asLong(latest.path("state_size").asLong()) : -1;
        JsonNode failedCheckpoint = checkpoints.path("latest").path("failed");
        String checkpointFailure = failedCheckpoint.isObject()
                && failedCheckpoint.path("failure_timestamp").asLong() > latest.path("latest_ack_timestamp").asLong()
                ? rootCause(failedCheckpoint.path("failure_message").asText("")) : null;
        long restarts = 0;
        for (JsonNode metric : rest.get("/jobs/" + jobId + "/metrics?get=numRestarts", "read the restarts of job " + jobId)) {
            restarts = Math.max(restarts, metric.path("value").asLong());
        }
        String failure = null;
        long failureAge = -1;
        JsonNode entries = rest.get("/jobs/" + jobId + "/exceptions?maxExceptions=1", "read the failures of job " + jobId)
                .path("exceptionHistory").path("entries");
        if (entries.size() > 0) {
            failure = rootCause(entries.get(0).path("stacktrace").asText(entries.get(0).path("exceptionName").asText()));
            failureAge = now - entries.get(0).path("timestamp").asLong(now);
        }
        return new Status(job.path("state").asText(), running, tasks, figures,
                checkpoints.path("counts").path("completed").asLong(), checkpoints.path("counts").path("failed").asLong(),
                age, bytes, checkpointFailure, restarts, failure, failureAge);
    }

    private void sumFigures(String vertexId, Map<Figure, Long> figures) {
        String base = "/jobs/" + jobId + "/vertices/" + vertexId + "/subtasks/metrics";
        Map<Figure, List<String>> names = metricNames.get(vertexId);
        if (names == null) {
            names = new HashMap<>();
            for (JsonNode metric : rest.get(base, "list the metrics of job " + jobId)) {
                String name = metric.path("id").asText();
                for (Figure f : Figure.values()) {
                    if (f.counts(name)) {
                        names.computeIfAbsent(f, x -> new ArrayList<>()).add(name);
                    }
                }
            }
            if (names.isEmpty()) {
                return; // not registered yet: the tasks are still starting
            }
            metricNames.put(vertexId, names);
        }
        for (Map.Entry<Figure, List<String>> e : names.entrySet()) {
            for (JsonNode metric : rest.get(base + "?agg=sum&get=" + String.join(",", e.getValue()),
                    "read the metrics of job " + jobId)) {
                figures.merge(e.getKey(), (long) metric.path("sum").asDouble(), Long::sum);
            }
        }
    }

    /** The innermost "Caused by" of a Java stack trace (what actually went wrong), else its first line. */
    static String rootCause(String stacktrace) {
        String cause = stacktrace.lines().findFirst().orElse("").trim();
        for (String line : stacktrace.lines().toList()) {
            if (line.startsWith("Caused by: ")) {
                cause = line.substring("Caused by: ".length()).trim();
            }
        }
        return cause.length() > 300 ? cause.substring(0, 300) + " ..." : cause;
    }

    /** Polls until every task of the job runs (its operators opened: the model loaded and warmed up). */
    public Status awaitAllTasksRunning(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Status status = read();
            if (status.allTasksRunning()) {
                return status;
            }
            if (List.of("FAILED", "CANCELED", "FINISHED").contains(status.state()) || System.nanoTime() > deadline) {
                throw new IllegalStateException("job " + jobId + " did not start: " + status.state() + ", "
                        + status.tasksRunning() + " of " + status.tasks() + " tasks running"
                        + (status.lastFailure() == null ? "" : "; " + status.lastFailure()));
            }
            Thread.sleep(100);
        }
    }

    /** Prints a status line every {@code every} until {@code done}; a REST hiccup is a line, not the end. */
    public void follow(PrintWriter out, Duration every, BooleanSupplier done) throws InterruptedException {
        while (!done.getAsBoolean()) {
            long next = System.nanoTime() + every.toNanos();
            while (!done.getAsBoolean() && System.nanoTime() < next) {
                Thread.sleep(100);
            }
            if (done.getAsBoolean()) {
                return;
            }
            try {
                out.println(line(read()));
            } catch (FlinkRestException e) {
                out.println(LocalTime.now().format(CLOCK) + " status unavailable: " + e.getMessage());
            }
            out.flush();
        }
    }

    /** One line: tasks, the flow through the job, the last checkpoint, restarts with their cause. */
    public static String line(Status s) {
        StringBuilder line = new StringBuilder(LocalTime.now().format(CLOCK)).append(' ').append(s.state())
                .append(String.format(Locale.ROOT, " %d/%d tasks", s.tasksRunning(), s.tasks()));
        line.append(" | chunks in ").append(count(s.figure(Figure.CHUNKS_IN)))
                .append(" | windows scored ").append(count(s.figure(Figure.WINDOWS_SCORED)))
                .append(" | predictions out ").append(count(s.figure(Figure.PREDICTIONS_OUT)))
                .append(" | dead letters ").append(count(s.figure(Figure.DEAD_LETTERS)));
        if (s.lastCheckpointAgeMillis() >= 0) {
            line.append(String.format(Locale.ROOT, " | checkpoint %d, %.0f s ago, %s", s.checkpoints(),
                    s.lastCheckpointAgeMillis() / 1000.0, bytes(s.lastCheckpointBytes())));
        } else {
            line.append(" | no checkpoint yet");
        }
        if (s.failedCheckpoints() > 0) {
            line.append(", ").append(s.failedCheckpoints()).append(" failed");
        }
        if (s.checkpointFailure() != null && !s.checkpointFailure().isBlank()) {
            line.append(" (since then: ").append(s.checkpointFailure()).append(')');
        }
        line.append(" | restarts ").append(s.restarts());
        if (s.lastFailure() != null) {
            line.append(String.format(Locale.ROOT, ", last failure %.0f s ago: %s", s.lastFailureAgeMillis() / 1000.0,
                    s.lastFailure()));
        }
        return line.toString();
    }

    private static String count(long n) {
        return n < 0 ? "-" : String.format(Locale.ROOT, "%,d", n);
    }

    private static String bytes(long n) {
        if (n < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f KB", n / 1024.0);
        }
        return String.format(Locale.ROOT, "%.1f MB", n / (1024.0 * 1024));
    }
}
