package dev.hark.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code bin/hark}: one entry point, a subcommand per task. */
@Command(name = "hark", mixinStandardHelpOptions = true, version = "hark 0.1.0",
        description = "Real-time audio classification on Apache Flink.",
        subcommands = {DemoCommand.class, BrokerCommand.class, RunCommand.class, FeaturesCommand.class, SynthCommand.class, RealSpeechCommand.class, RecordedCommand.class, TrainCommand.class,
                EvaluateCommand.class, ImportModelCommand.class, ProduceCommand.class, ConsumeCommand.class, AnnounceModelCommand.class,
                SubmitCommand.class, CancelCommand.class,
                SavepointCommand.class,
                CommandLine.HelpCommand.class})
public final class HarkCli implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with hark's error handling: a bad argument prints what is wrong and the usage. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new HarkCli()).setCaseInsensitiveEnumValuesAllowed(true);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof UserError || e instanceof dev.hark.cli.cluster.FlinkRestException || e instanceof java.io.IOException || e instanceof java.io.UncheckedIOException
                    || e instanceof IllegalArgumentException || e instanceof IllegalStateException
                    || e instanceof org.tensorflow.exceptions.TensorFlowException) {
                commandLine.getErr().println("hark " + commandLine.getCommandName() + ": " + e.getMessage());
                return 2;
            }
            throw e;
        });
        return cli;
    }

    /** A problem the user can fix: printed without a stack trace. */
    public static final class UserError extends RuntimeException {
        public UserError(String message) {
            super(message);
        }
    }
}
