package dev.hark.cli;

import dev.hark.cli.cluster.FlinkRestClient;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "savepoint", mixinStandardHelpOptions = true,
        description = {"Take a savepoint of a job on a Flink cluster, or stop the job with one (--stop); prints where",
                "it lies, for `bin/hark submit --from-savepoint`."})
final class SavepointCommand extends ClusterCommand {
    @Parameters(paramLabel = "JOB_ID", description = "The job's id, as submit printed it.")
    String jobId;

    @Option(names = "--target-dir", paramLabel = "DIR|URI",
            description = "Where to write it (default: the cluster's execution.checkpointing.savepoint-dir).")
    String targetDirectory;

    @Option(names = "--stop", description = "Stop the job with the savepoint (its output committed), for an upgrade.")
    boolean stop;

    @Override
    void run(FlinkRestClient client, PrintWriter out) {
        String location = client.savepoint(jobId, targetDirectory, stop, cluster.timeout().multipliedBy(5));
        out.println((stop ? "stopped job " + jobId + " with savepoint " : "savepoint of job " + jobId + ": ") + location);
    }
}
