package dev.hark.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs a bin/hark command in the test's JVM, as a user would type it, and keeps what it printed. */
public record HarkCommand(int exit, String out, String err) {
    public static HarkCommand run(String... args) {
        CommandLine cli = HarkCli.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute(args);
        return new HarkCommand(exit, out.toString(), err.toString());
    }
}
