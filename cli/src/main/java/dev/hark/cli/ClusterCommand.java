package dev.hark.cli;

import dev.hark.cli.cluster.FlinkRestClient;
import dev.hark.cli.cluster.JobManagerOptions;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** A command that talks to a Flink cluster's JobManager: submit, cancel, savepoint. */
abstract class ClusterCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    JobManagerOptions cluster;

    /** Does the work against the JobManager, printing to {@code out}. */
    abstract void run(FlinkRestClient client, PrintWriter out);

    @Override
    public final Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        run(cluster.client(), out);
        out.flush();
        return 0;
    }
}
