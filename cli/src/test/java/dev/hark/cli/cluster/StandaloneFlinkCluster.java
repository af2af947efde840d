package dev.hark.cli.cluster;

import dev.hark.job.testing.ParentWatch;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Flink cluster of separate JVMs, as a standalone deployment runs it: a JobManager
 * ({@code StandaloneSessionClusterEntrypoint}) and a TaskManager ({@code TaskManagerRunner}), started from Flink's
 * released jars (what a distribution's {@code lib/} holds: {@code flink-job/target/flink-dist.classpath}) with
 * TensorFlow in the TaskManager's {@code lib/} ({@code flink-job/target/tensorflow-lib}), memory flags computed by
 * Flink's own {@code BashJavaUtils} as its scripts do, everything bound to 127.0.0.1. The processes end with the test
 * JVM. Both need {@code ./mvnw package} (or verify) to have run for flink-job.
 */
public final class StandaloneFlinkCluster implements AutoCloseable {
    /** What Flink's config.yaml sets for Java 17, and the Vector API module for hark's front end. */
    public static final List<String> JAVA_OPTIONS = List.of(
            "--add-exports=java.base/sun.net.util=ALL-UNNAMED", "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
            "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
            "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.net=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.text=ALL-UNNAMED", "--add-opens=java.base/java.time=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED", "--add-modules=jdk.incubator.vector");
    /** flink-job's build output, seen from this module. */
    public static final Path FLINK_JOB_TARGET = Path.of("..", "flink-job", "target");

    private final Path dir;
    private final Path conf;
    private final int restPort;
    private final List<String> distClasspath;
    private final boolean tensorFlowInLib;
    private Process jobManager;
    private Process taskManager;

    private StandaloneFlinkCluster(Path dir, int restPort, List<String> distClasspath, boolean tensorFlowInLib) {
        this.dir = dir;
        this.conf = dir.resolve("conf");
        this.restPort = restPort;
        this.distClasspath = distClasspath;
        this.tensorFlowInLib = tensorFlowInLib;
    }

    /** The job jar flink-job's build made (without TensorFlow: the TaskManager has it in lib/). */
    public static Path jobJar() {
        return find("flink-job-.*-job\\.jar");
    }

    /** The job jar that carries TensorFlow, for a TaskManager without it. */
    public static Path jobJarWithTensorFlow() {
        return find("flink-job-.*-job-with-tensorflow\\.jar");
    }

    private static Path find(String pattern) {
        try (Stream<Path> files = Files.list(FLINK_JOB_TARGET)) {
            return files.filter(p -> p.getFileName().toString().matches(pattern)).findFirst().orElseThrow();
        } catch (Exception e) {
            throw new IllegalStateException("no " + pattern + " in " + FLINK_JOB_TARGET.toAbsolutePath() + ": the cluster"
                    + " tests need flink-job packaged; run the tests with ./mvnw -B verify");
        }
    }

    /**
     * Starts a JobManager and a TaskManager with {@code slots} slots, {@code config} added to their configuration;
     * returns once the TaskManager has registered.
     */
    public static StandaloneFlinkCluster start(Path dir, int slots, Map<String, String> config) throws Exception {
        return start(dir, slots, config, true);
    }

    /** As above; with {@code tensorFlowInLib} false the TaskManager has no TensorFlow of its own. */
    public static StandaloneFlinkCluster start(Path dir, int slots, Map<String, String> config, boolean tensorFlowInLib)
            throws Exception {
        Path classpathFile = FLINK_JOB_TARGET.resolve("flink-dist.classpath");
        if (!Files.isRegularFile(classpathFile)) {
            throw new IllegalStateException("no " + classpathFile.toAbsolutePath() + ": the cluster tests need flink-job"
                    + " packaged; run the tests with ./mvnw -B verify");
        }
        List<String> dist = new ArrayList<>(Arrays.asList(Files.readString(classpathFile).trim().split(":")));
        dist.addAll(Arrays.asList(Files.readString(FLINK_JOB_TARGET.resolve("flink-dist-shared.classpath")).trim().split(":")));
        dist.add(watchClasspath(dir).toString());
        StandaloneFlinkCluster cluster = new StandaloneFlinkCluster(dir, freePort(), dist, tensorFlowInLib);
        cluster.writeConfiguration(slots, config);
        cluster.startJobManager();
        cluster.startTaskManager();
        return cluster;
    }

    /** The class path of a Flink distribution's lib/ (what a ZooKeeper of Flink's own scripts runs on, too). */
    public static List<String> distributionClasspath() throws IOException {
        List<String> dist = new ArrayList<>(Arrays.asList(Files.readString(FLINK_JOB_TARGET.resolve("flink-dist.classpath")).trim().split(":")));
        dist.addAll(Arrays.asList(Files.readString(FLINK_JOB_TARGET.resolve("flink-dist-shared.classpath")).trim().split(":")));
        return dist;
    }

    /** {@code 127.0.0.1:<REST port>}: the web UI and REST API. */
    public String restAddress() {
        return "127.0.0.1:" + restPort;
    }

    public Path directory() {
        return dir;
    }

    public long taskManagerPid() {
        return taskManager.pid();
    }

    /** Copies {@link ParentWatch} alone into a class folder of its own: the cluster sees no other test class. */
    static Path watchClasspath(Path dir) throws IOException {
        Path classes = dir.resolve("parent-watch");
        Path file = classes.resolve(ParentWatch.class.getName().replace('.', '/') + ".class");
        Files.createDirectories(file.getParent());
        try (InputStream in = ParentWatch.class.getResourceAsStream(ParentWatch.class.getSimpleName() + ".class")) {
            Files.copy(in, file);
        }
        return classes;
    }

    private void writeConfiguration(int slots, Map<String, String> extra) throws IOException {
        Files.createDirectories(conf);
        Map<String, String> c = new LinkedHashMap<>();
        c.put("jobmanager.rpc.address", "127.0.0.1");
        c.put("jobmanager.rpc.port", Integer.toString(freePort()));
        c.put("jobmanager.bind-host", "127.0.0.1");
        c.put("taskmanager.bind-host", "127.0.0.1");
        c.put("taskmanager.host", "127.0.0.1");
        c.put("rest.address", "127.0.0.1");
        c.put("rest.bind-address", "127.0.0.1");
        c.put("rest.port", Integer.toString(restPort));
        c.put("jobmanager.memory.process.size", "1024m");
        c.put("taskmanager.memory.process.size", "2048m");
        c.put("taskmanager.memory.managed.fraction", "0.05"); // TensorFlow's memory is native, outside Flink's managed memory
        c.put("taskmanager.numberOfTaskSlots", Integer.toString(slots));
        c.put("execution.checkpointing.dir", dir.resolve("checkpoints").toUri().toString());
        c.put("execution.checkpointing.savepoint-dir", dir.resolve("savepoints").toUri().toString());
        c.put("web.upload.dir", dir.resolve("uploads").toString());
        c.put("io.tmp.dirs", dir.resolve("tmp").toString());
        c.put("rest.server.max-content-length", Integer.toString(512 * 1024 * 1024)); // the jar with TensorFlow
        c.put("restart-strategy.type", "fixed-delay");
        c.put("restart-strategy.fixed-delay.attempts", "3");
        c.putAll(extra);
        Files.createDirectories(dir.resolve("tmp"));
        Files.createDirectories(dir.resolve("uploads"));
        StringBuilder yaml = new StringBuilder();
        c.forEach((key, value) -> yaml.append(key).append(": ").append(quoted(value)).append('\n'));
        Files.writeString(conf.resolve("config.yaml"), yaml.toString());
        Files.writeString(conf.resolve("log4j.properties"), String.join("\n",
                "rootLogger.level = INFO",
                "rootLogger.appenderRef.file.ref = File",
                "appender.file.name = File",
                "appender.file.type = File",
                "appender.file.fileName = ${sys:log.file}",
                "appender.file.layout.type = PatternLayout",
                "appender.file.layout.pattern = %d{HH:mm:ss,SSS} %-5p %t %c{1} - %m%n",
                "logger.kafka.name = org.apache.kafka",
                "logger.kafka.level = WARN", ""));
    }

    private static String quoted(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    /** Starts a JobManager (again, after {@link #killJobManager}) and waits until its REST API answers. */
    public void startJobManager() throws Exception {
        jobManager = launch("jobmanager", "GET_JM_RESOURCE_PARAMS",
                "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint", distClasspath);
        awaitRest(Duration.ofSeconds(90));
    }

    /** Starts a TaskManager (TensorFlow in its lib/, unless the cluster has none) and waits until it has registered. */
    public void startTaskManager() throws Exception {
        startTaskManager(true);
    }

    /**
     * Starts a TaskManager and waits until one has registered; with {@code freeSlots}, until it offers a free slot
     * too (a job waiting for slots takes them at once: then wait for the registration alone).
     */
    public void startTaskManager(boolean freeSlots) throws Exception {
        List<String> classpath = new ArrayList<>(distClasspath);
        if (tensorFlowInLib) {
            try (Stream<Path> jars = Files.list(FLINK_JOB_TARGET.resolve("tensorflow-lib"))) {
                jars.map(p -> p.toAbsolutePath().toString()).sorted().forEach(classpath::add);
            }
        }
        taskManager = launch("taskmanager", "GET_TM_RESOURCE_PARAMS",
                "org.apache.flink.runtime.taskexecutor.TaskManagerRunner", classpath);
        FlinkRestClient client = new FlinkRestClient(restAddress(), Duration.ofSeconds(10));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            if (!taskManager.isAlive()) {
                throw new IllegalStateException("the TaskManager exited:\n" + tail("taskmanager"));
            }
            try {
                var overview = client.overview();
                if (overview.path("taskmanagers").asInt() > 0 && (!freeSlots || overview.path("slots-available").asInt() > 0)) {
                    return;
                }
            } catch (FlinkRestException jobManagerNotBackYet) {
                // after a JobManager failover the REST API comes back a moment later
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("no TaskManager registered in 90 s:\n" + tail("taskmanager"));
    }

    /**
     * Runs Flink's own command line ({@code flink run}, {@code CliFrontend}) against this cluster, its configuration
     * in FLINK_CONF_DIR as Flink's script has it; returns what it printed.
     */
    public String flinkCli(List<String> arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(JAVA_OPTIONS);
        command.add("-Dlog.file=" + dir.resolve("client.log"));
        command.add("-Dlog4j.configurationFile=" + conf.resolve("log4j.properties").toUri());
        command.add("-cp");
        command.add(String.join(":", distClasspath));
        command.add("org.apache.flink.client.cli.CliFrontend");
        command.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("FLINK_CONF_DIR", conf.toString());
        Process p = builder.start();
        p.getOutputStream().close();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("flink " + String.join(" ", arguments) + " failed:\n" + output);
        }
        return output;
    }

    /** Kills the JobManager at once ({@code kill -9}). */
    public void killJobManager() throws InterruptedException {
        jobManager.destroyForcibly();
        jobManager.waitFor(30, TimeUnit.SECONDS);
    }

    /** Kills the TaskManager at once ({@code kill -9}). */
    public void killTaskManager() throws InterruptedException {
        taskManager.destroyForcibly();
        taskManager.waitFor(30, TimeUnit.SECONDS);
    }

    /** Runs one Flink process as Flink's scripts do: memory flags and dynamic options from BashJavaUtils first. */
    private Process launch(String name, String resourceCommand, String mainClass, List<String> classpath) throws Exception {
        List<String> resources = bashJavaUtils(resourceCommand, classpath);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(Arrays.asList(resources.get(0).trim().split("\\s+")));
        command.addAll(JAVA_OPTIONS);
        command.add("-Dlog.file=" + dir.resolve(name + ".log"));
        command.add("-Dlog4j.configurationFile=" + conf.resolve("log4j.properties").toUri());
        command.add("-cp");
        command.add(String.join(":", classpath));
        command.add(ParentWatch.class.getName());
        command.add(mainClass);
        command.add("--configDir");
        command.add(conf.toString());
        String dynamic = resources.size() > 1 ? resources.get(1).trim() : "";
        if (!dynamic.isEmpty()) {
            command.addAll(Arrays.asList(dynamic.split("\\s+")));
        }
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(name + ".out").toFile())).start();
    }

    private List<String> bashJavaUtils(String resourceCommand, List<String> classpath) throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                String.join(":", classpath), "org.apache.flink.runtime.util.bash.BashJavaUtils", resourceCommand,
                "--configDir", conf.toString()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(60, TimeUnit.SECONDS);
        List<String> results = output.lines().filter(l -> l.startsWith("BASH_JAVA_UTILS_EXEC_RESULT:"))
                .map(l -> l.substring("BASH_JAVA_UTILS_EXEC_RESULT:".length())).toList();
        if (results.isEmpty()) {
            throw new IllegalStateException("BashJavaUtils " + resourceCommand + " gave no result:\n" + output);
        }
        return results;
    }

    private void awaitRest(Duration timeout) throws Exception {
        FlinkRestClient client = new FlinkRestClient(restAddress(), Duration.ofSeconds(5));
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!jobManager.isAlive()) {
                throw new IllegalStateException("the JobManager exited:\n" + tail("jobmanager"));
            }
            try {
                client.overview();
                return;
            } catch (FlinkRestException e) {
                Thread.sleep(200);
            }
        }
        throw new IllegalStateException("the JobManager's REST API did not answer in " + timeout.toSeconds() + " s:\n"
                + tail("jobmanager"));
    }

    /** The end of a process's log and output, for failure messages. */
    public String tail(String name) {
        StringBuilder text = new StringBuilder();
        for (String suffix : List.of(".out", ".log")) {
            try {
                List<String> lines = Files.readAllLines(dir.resolve(name + suffix));
                // The causes first (a stack trace's last lines rarely name them), then the log's end.
                lines.stream().filter(line -> line.startsWith("Caused by:")).distinct().limit(10)
                        .forEach(line -> text.append(line).append('\n'));
                text.append(String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()))).append('\n');
            } catch (IOException e) {
                text.append("(no ").append(name).append(suffix).append(")\n");
            }
        }
        return text.toString();
    }

    @Override
    public void close() throws Exception {
        for (Process p : new Process[] {taskManager, jobManager}) {
            if (p != null && p.isAlive()) {
                p.destroy();
                if (!p.waitFor(30, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
        }
    }

    static int freePort() {
        return dev.hark.client.LoopbackPorts.free();
    }
}
