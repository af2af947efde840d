package dev.hark.cli;

import dev.hark.cli.cluster.FlinkRestClient;
import dev.hark.cli.cluster.JobManagerOptions;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Parameters;

@Command(name = "cancel", mixinStandardHelpOptions = true,
        description = "Cancel a job on a Flink cluster (its last checkpoint stays, for a restart from it).")
final class CancelCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    JobManagerOptions cluster;

    @Parameters(paramLabel = "JOB_ID", description = "The job's id, as submit printed it.")
    String jobId;

    private java.io.PrintWriter out() {
        return spec.commandLine().getOut();
    }

    @Override
    public Integer call() {
        FlinkRestClient client = cluster.client();
        client.cancel(jobId);
        out().println("cancelling job " + jobId + "; state: " + client.state(jobId));
        out().flush();
        return 0;
    }
}
