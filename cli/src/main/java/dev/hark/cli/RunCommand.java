package dev.hark.cli;

import dev.hark.cli.cluster.JobWatch;
import dev.hark.job.HarkJob;
import java.io.PrintWriter;
import dev.hark.job.LocalFlink;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run the job against an existing Kafka, in a Flink inside this process (on a Flink cluster the job's"
                + " entry point is dev.hark.job.HarkJob).")
final class RunCommand implements Callable<Integer> {
    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT",
            description = "Kafka bootstrap servers (or hark.kafka.bootstrap-servers in --config).")
    String bootstrapServers;

    @Option(names = "--config", paramLabel = "FILE.yaml",
            description = "A YAML file of hark.* (and any Flink) options, nested or flat; options given on this command"
                    + " line win over it.")
    Path configFile;

    @Option(names = "--group-id", description = "Consumer group (default: hark).")
    String groupId;

    @Option(names = "--parallelism", defaultValue = "1", description = "Job parallelism (default: ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(names = "--checkpoint-interval-ms",
            description = "Checkpoint interval; 0 disables checkpoints (default: 10000, or execution.checkpointing.interval"
                    + " from --config).")
    Long checkpointMillis;

    @Option(names = "--delivery-guarantee",
            description = "EXACTLY_ONCE (Kafka transactions committed with each checkpoint; read with"
                    + " isolation.level=read_committed) or AT_LEAST_ONCE (default: EXACTLY_ONCE).")
    org.apache.flink.connector.base.DeliveryGuarantee deliveryGuarantee;

    @Option(names = "--kafka-property", paramLabel = "NAME=VALUE",
            description = "A Kafka client property for the source and sinks, e.g. security.protocol=SASL_SSL; repeatable."
                    + " Values are never logged.")
    java.util.Map<String, String> kafkaProperties = new java.util.LinkedHashMap<>();

    @Option(names = "--kafka-config", paramLabel = "FILE",
            description = "A file of Kafka client properties for the source and sinks (security.protocol,"
                    + " sasl.jaas.config, ...), e.g. hark-job.properties of bin/hark broker --secure; --kafka-property"
                    + " entries win over it. Values are never logged.")
    Path kafkaConfigFile;

    /** Survives a restart of the job inside this process; a restart of the command starts from Kafka's offsets. */
    static final Path DEFAULT_CHECKPOINT_FOLDER = Path.of(System.getProperty("java.io.tmpdir"), "hark-checkpoints");

    @Option(names = "--checkpoint-dir", paramLabel = "DIR|URI",
            description = "Where checkpoints go: a folder or a file-system URI (default: execution.checkpointing.dir"
                    + " from --config, else a folder hark-checkpoints in the temporary folder; never the JobManager's"
                    + " memory, which refuses checkpoints above a few MB).")
    String checkpointDir;

    @Option(names = "--web-port", paramLabel = "PORT",
            description = "Port of Flink's web UI and REST API, on 127.0.0.1 (default: 8081, or a free port when 8081 is"
                    + " taken; 0: a free port).")
    Integer webPort;

    @Option(names = "--status-every", defaultValue = "5", paramLabel = "SECONDS",
            description = "Print a status line this often (default: ${DEFAULT-VALUE}; 0: never).")
    int statusSeconds;

    @Mixin
    JobOptions job;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** Kafka answers, with every topic the job reads and writes, before the job starts (not a restart loop after). */
    private static void requireKafka(Configuration conf) {
        var read = org.apache.kafka.common.acl.AclOperation.READ;
        var write = org.apache.kafka.common.acl.AclOperation.WRITE;
        java.util.Map<String, org.apache.kafka.common.acl.AclOperation> topics = new java.util.LinkedHashMap<>();
        topics.put(conf.get(dev.hark.job.options.HarkOptions.AUDIO_TOPIC), read);
        topics.put(conf.get(dev.hark.job.options.HarkOptions.PREDICTIONS_TOPIC), write);
        topics.put(conf.get(dev.hark.job.options.HarkOptions.DEAD_LETTER_TOPIC), write);
        conf.getOptional(dev.hark.job.options.HarkOptions.DETECTIONS_TOPIC).ifPresent(t -> topics.put(t, write));
        conf.getOptional(dev.hark.job.options.HarkOptions.MODEL_CONTROL_TOPIC).ifPresent(t -> topics.put(t, read));
        java.util.Map<String, String> properties = new java.util.HashMap<>();
        conf.toMap().forEach((key, value) -> {
            if (key.startsWith(dev.hark.job.options.HarkOptions.KAFKA_PROPERTIES_PREFIX)) {
                properties.put(key.substring(dev.hark.job.options.HarkOptions.KAFKA_PROPERTIES_PREFIX.length()), value);
            }
        });
        dev.hark.client.KafkaPreflight.check(dev.hark.job.options.HarkOptions.bootstrapServers(conf), properties, topics,
                dev.hark.client.KafkaPreflight.DEFAULT_TIMEOUT);
    }

    @Override
    public Integer call() throws Exception {
        if (parallelism < 1) {
            throw new HarkCli.UserError("--parallelism must be at least 1, got " + parallelism);
        }
        if (statusSeconds < 0) {
            throw new HarkCli.UserError("--status-every must be 0 or more seconds, got " + statusSeconds);
        }
        Configuration base = LocalFlink.loopbackConfiguration();
        int port = WebPort.configure(base, webPort);
        if (configFile != null) {
            base.addAll(dev.hark.job.config.YamlConfig.load(configFile));
        }
        if (bootstrapServers == null && base.getOptional(dev.hark.job.options.HarkOptions.BOOTSTRAP_SERVERS).isEmpty()) {
            bootstrapServers = KafkaOptions.LOCAL_BROKER; // where bin/hark broker listens
        }
        Configuration conf = job.toConfiguration(base, bootstrapServers);
        JobOptions.setIfGiven(conf, dev.hark.job.options.HarkOptions.GROUP_ID, groupId);
        JobOptions.setIfGiven(conf, dev.hark.job.options.HarkOptions.DELIVERY_GUARANTEE, deliveryGuarantee);
        if (kafkaConfigFile != null) {
            KafkaConfigFile.load(kafkaConfigFile).forEach(kafkaProperties::putIfAbsent);
        }
        kafkaProperties.forEach((name, value) -> conf.setString(dev.hark.job.options.HarkOptions.KAFKA_PROPERTIES_PREFIX + name, value));
        if (checkpointMillis != null) {
            if (checkpointMillis > 0) {
                conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(checkpointMillis));
            } else {
                conf.removeConfig(CheckpointingOptions.CHECKPOINTING_INTERVAL);
            }
        } else if (conf.getOptional(CheckpointingOptions.CHECKPOINTING_INTERVAL).isEmpty()) {
            conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, HarkJob.DEFAULT_CHECKPOINT_INTERVAL);
        }
        if (checkpointDir != null) {
            dev.hark.job.config.CheckpointStorage.useFileSystem(conf, checkpointDir);
        } else {
            dev.hark.job.config.CheckpointStorage.defaultToFolder(conf, DEFAULT_CHECKPOINT_FOLDER);
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(parallelism);
        HarkJob.kafka(env, conf).build(); // the job's own checks first: model, options, checkpointing
        requireKafka(conf);
        JobClient client = env.executeAsync(HarkJob.JOB_NAME);
        PrintWriter out = spec.commandLine().getOut();
        JobWatch watch = JobWatch.onLoopback(port, client.getJobID().toString());
        out.printf("job %s submitted: reading %s, writing %s%nFlink web UI: %s%n", client.getJobID(),
                conf.get(dev.hark.job.options.HarkOptions.AUDIO_TOPIC), conf.get(dev.hark.job.options.HarkOptions.PREDICTIONS_TOPIC),
                watch.page());
        if (conf.getOptional(CheckpointingOptions.CHECKPOINTING_INTERVAL).isPresent()) {
            out.println(dev.hark.job.config.CheckpointStorage.inJobManagerMemory(conf)
                    ? "checkpoints: in the JobManager's memory, as configured (checkpoints above a few MB will fail)"
                    : "checkpoints: " + conf.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY).replaceAll("/+$", "") + "/"
                            + client.getJobID());
        }
        out.flush();
        var done = client.getJobExecutionResult();
        if (statusSeconds > 0) {
            watch.follow(out, Duration.ofSeconds(statusSeconds), done::isDone);
        }
        done.get();
        return 0;
    }
}
