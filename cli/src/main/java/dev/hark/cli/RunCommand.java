package dev.hark.cli;

import dev.hark.job.HarkJob;
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

    @Mixin
    JobOptions job;

    @Override
    public Integer call() throws Exception {
        if (parallelism < 1) {
            throw new HarkCli.UserError("--parallelism must be at least 1, got " + parallelism);
        }
        Configuration base = LocalFlink.loopbackConfiguration();
        if (configFile != null) {
            base.addAll(dev.hark.job.YamlConfig.load(configFile));
        }
        Configuration conf = job.toConfiguration(base, bootstrapServers);
        dev.hark.job.KafkaWiring.bootstrapServers(conf); // fails early, saying how to fix it
        JobOptions.setIfGiven(conf, dev.hark.job.HarkOptions.GROUP_ID, groupId);
        JobOptions.setIfGiven(conf, dev.hark.job.HarkOptions.DELIVERY_GUARANTEE, deliveryGuarantee);
        kafkaProperties.forEach((name, value) -> conf.setString(dev.hark.job.HarkOptions.KAFKA_PROPERTIES_PREFIX + name, value));
        if (checkpointMillis != null) {
            if (checkpointMillis > 0) {
                conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(checkpointMillis));
            } else {
                conf.removeConfig(CheckpointingOptions.CHECKPOINTING_INTERVAL);
            }
        } else if (conf.getOptional(CheckpointingOptions.CHECKPOINTING_INTERVAL).isEmpty()) {
            conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, HarkJob.DEFAULT_CHECKPOINT_INTERVAL);
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(parallelism);
        JobClient client = HarkJob.start(env, conf);
        System.out.println("job " + client.getJobID() + " running; reading " + conf.get(dev.hark.job.HarkOptions.AUDIO_TOPIC)
                + ", writing " + conf.get(dev.hark.job.HarkOptions.PREDICTIONS_TOPIC));
        client.getJobExecutionResult().get();
        return 0;
    }
}
