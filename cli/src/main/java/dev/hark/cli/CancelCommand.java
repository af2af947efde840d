package dev.hark.cli;

import dev.hark.cli.cluster.FlinkRestClient;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "cancel", mixinStandardHelpOptions = true,
        description = "Cancel a job on a Flink cluster (its last checkpoint stays, for a restart from it).")
final class CancelCommand extends ClusterCommand {
    @Parameters(paramLabel = "JOB_ID", description = "The job's id, as submit printed it.")
    String jobId;

    @Override
    void run(FlinkRestClient client, PrintWriter out) {
        client.cancel(jobId);
        out.println("cancelling job " + jobId + "; state: " + client.state(jobId));
    }
}
