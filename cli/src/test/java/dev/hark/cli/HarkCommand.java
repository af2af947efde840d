package dev.hark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    /**
     * Runs a command that must be refused as a person would want: exit status 2, {@code expected} in what it says,
     * and no stack trace.
     */
    public static HarkCommand refused(String expected, String... args) {
        HarkCommand command = run(args);
        assertEquals(2, command.exit(), command.out() + command.err());
        assertTrue(command.err().contains(expected), "expected \"" + expected + "\" in: " + command.err());
        assertTrue(!command.err().contains("\tat "), "a stack trace: " + command.err());
        return command;
    }
}
