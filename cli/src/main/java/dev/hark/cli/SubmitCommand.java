package dev.hark.cli;

import dev.hark.cli.cluster.FlinkRestClient;
import dev.hark.job.HarkJob;
import dev.hark.job.config.JobArguments;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

@Command(name = "submit", mixinStandardHelpOptions = true,
        description = {"Submit the job to a Flink cluster: uploads the job jar, starts dev.hark.job.HarkJob with the job",
                "options given (--config FILE.yaml, read here, and --hark.KEY VALUE or any Flink option), and prints",
                "the job id and its web UI page."})
final class SubmitCommand extends ClusterCommand {
    @Option(names = "--jar", paramLabel = "JAR",
            description = "The job jar (default: flink-job/target/flink-job-*-job.jar, built by ./mvnw package).")
    Path jar;

    @Option(names = "--parallelism", paramLabel = "N", description = "The job's parallelism (default: the cluster's).")
    Integer parallelism;

    @Option(names = "--from-savepoint", paramLabel = "PATH", description = "Start from this savepoint (or checkpoint).")
    String savepoint;

    @Option(names = "--allow-non-restored-state",
            description = "With --from-savepoint: skip state that no operator of the job takes.")
    boolean allowNonRestoredState;

    @Unmatched
    List<String> jobOptions = new ArrayList<>();

    @Override
    void run(FlinkRestClient client, PrintWriter out) {
        List<String> arguments = jobArguments();
        Path jobJar = jar != null ? jar : defaultJar();
        String jarId = client.upload(jobJar);
        String jobId = client.run(jarId, new FlinkRestClient.Run(HarkJob.class.getName(), arguments, parallelism,
                savepoint, allowNonRestoredState));
        client.deleteJar(jarId); // the job has its own copy
        out.println("submitted job " + jobId + " (" + HarkJob.JOB_NAME + ") to " + client.base());
        out.println("state: " + client.state(jobId));
        out.println("web UI: " + client.jobPage(jobId));
    }

    /**
     * The job's options, checked here (a typo is refused before anything is uploaded) and passed as --KEY VALUE: a
     * --config file is read here, since the job's main runs on the JobManager, which does not have it.
     */
    private List<String> jobArguments() {
        for (String option : jobOptions) {
            if (option.startsWith("--") && !option.equals("--config") && !option.contains(".")) {
                throw new HarkCli.UserError("unknown option " + option + "; submit takes --jobmanager, --jar,"
                        + " --parallelism, --from-savepoint, --allow-non-restored-state, and the job's options:"
                        + " --config FILE.yaml, --hark.KEY VALUE, or any Flink option");
            }
        }
        Configuration options = JobArguments.parse(jobOptions.toArray(String[]::new));
        List<String> arguments = new ArrayList<>();
        for (Map.Entry<String, String> option : options.toMap().entrySet()) {
            arguments.add("--" + option.getKey());
            arguments.add(option.getValue());
        }
        return arguments;
    }

    private static Path defaultJar() {
        Path target = JobOptions.home().resolve("flink-job/target");
        try (Stream<Path> files = Files.list(target)) {
            return files.filter(p -> p.getFileName().toString().matches("flink-job-.*-job\\.jar")).findFirst()
                    .orElseThrow(() -> new HarkCli.UserError("no job jar in " + target + ": build it with ./mvnw -B"
                            + " -DskipTests package, or give --jar"));
        } catch (IOException e) {
            throw new HarkCli.UserError("no job jar in " + target + ": build it with ./mvnw -B -DskipTests package,"
                    + " or give --jar");
        }
    }
}
