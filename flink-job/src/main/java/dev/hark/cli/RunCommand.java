package dev.hark.cli;

import dev.hark.job.HarkJob;
import dev.hark.job.LocalFlink;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run the job against an existing Kafka: in-process Flink here, or the cluster's under `flink run`.")
final class RunCommand implements Callable<Integer> {
    @Option(names = "--bootstrap-servers", required = true, paramLabel = "HOST:PORT", description = "Kafka bootstrap servers.")
    String bootstrapServers;

    @Option(names = "--group-id", defaultValue = "hark", description = "Consumer group (default: ${DEFAULT-VALUE}).")
    String groupId;

    @Option(names = "--parallelism", defaultValue = "1", description = "Job parallelism (default: ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(names = "--checkpoint-interval-ms", defaultValue = "10000",
            description = "Checkpoint interval; 0 disables checkpoints (default: ${DEFAULT-VALUE}).")
    long checkpointMillis;

    @Option(names = "--delivery-guarantee", defaultValue = "EXACTLY_ONCE",
            description = "EXACTLY_ONCE (Kafka transactions committed with each checkpoint; read with"
                    + " isolation.level=read_committed) or AT_LEAST_ONCE (default: ${DEFAULT-VALUE}).")
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
        Configuration conf = job.toConfiguration(LocalFlink.loopbackConfiguration(), bootstrapServers);
        conf.set(dev.hark.job.HarkOptions.GROUP_ID, groupId);
        conf.set(dev.hark.job.HarkOptions.DELIVERY_GUARANTEE, deliveryGuarantee);
        kafkaProperties.forEach((name, value) -> conf.setString(dev.hark.job.HarkOptions.KAFKA_PROPERTIES_PREFIX + name, value));
        conf.set(PipelineOptions.MAX_PARALLELISM, LocalFlink.MAX_PARALLELISM);
        if (checkpointMillis > 0) {
            conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(checkpointMillis));
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(parallelism);
        JobClient client = HarkJob.start(env, conf);
        System.out.println("job " + client.getJobID() + " running; reading " + job.audioTopic + ", writing "
                + job.predictionsTopic);
        client.getJobExecutionResult().get();
        return 0;
    }
}
