package dev.hark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;
import org.junit.jupiter.api.Test;

/** Bad arguments get a message that says what is wrong, and a non-zero exit; no stack traces. */
class HarkCliTest {
    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        CommandLine cli = HarkCli.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void everyCommandHasHelp() {
        for (String command : new String[] {"demo", "run", "synth", "train"}) {
            Run r = run(command, "--help");
            assertEquals(0, r.exit(), command);
            assertTrue(r.out().contains("Usage: hark " + command), r.out());
        }
    }

    @Test
    void explainsBadArguments() {
        Run missing = run("run");
        assertEquals(2, missing.exit());
        assertTrue(missing.err().contains("Missing required option: '--bootstrap-servers=HOST:PORT'"), missing.err());

        Run duration = run("demo", "--duration", "0");
        assertEquals(2, duration.exit());
        assertTrue(duration.err().contains("--duration must be at least 1 second"), duration.err());
        assertTrue(!duration.err().contains("Exception"), duration.err());

        Run model = run("run", "--bootstrap-servers", "127.0.0.1:1", "--model", "/no/such/model");
        assertEquals(2, model.exit());
        assertTrue(model.err().contains("is not a hark model folder"), model.err());

        Run notANumber = run("demo", "--hop-ms", "soon");
        assertEquals(2, notANumber.exit());
        assertTrue(notANumber.err().contains("Invalid value for option '--hop-ms'"), notANumber.err());

        Run data = run("train", "--data", "/no/such/data", "--out", "/tmp/x");
        assertEquals(2, data.exit());
        assertTrue(data.err().contains("does not exist"), data.err());
    }
}
