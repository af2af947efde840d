package dev.hark.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hark.cli.cluster.FlinkRestClient;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/** A long-running bin/hark command ({@code run}) in a thread of the test's JVM, its output kept. */
record RunningCommand(CompletableFuture<Integer> exit, StringWriter out) {
    static final Pattern SUBMITTED = Pattern.compile("job ([0-9a-f]{32}) submitted");
    static final Pattern WEB_UI = Pattern.compile("Flink web UI: (http://127\\.0\\.0\\.1:(\\d+))/#/job/running/");
    /** A status line with every task of the job running ("RUNNING 2/2 tasks"), however many tasks the job has. */
    static final Pattern ALL_TASKS_RUNNING = Pattern.compile(" RUNNING (\\d+)/\\1 tasks");

    static RunningCommand start(String... args) {
        CommandLine cli = HarkCli.commandLine();
        StringWriter out = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(out, true));
        return new RunningCommand(CompletableFuture.supplyAsync(() -> cli.execute(args)), out);
    }

    static boolean allTasksRunning(String statusLine) {
        return ALL_TASKS_RUNNING.matcher(statusLine).find();
    }

    /** Waits for a line that {@code wanted} accepts; fails with everything printed if none comes. */
    String awaitLine(Predicate<String> wanted, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (String line : out.toString().lines().toList()) {
                if (wanted.test(line)) {
                    return line;
                }
            }
            assertTrue(!exit.isDone(), "bin/hark run ended: " + out);
            Thread.sleep(200);
        }
        throw new AssertionError("no such line in " + timeout.toSeconds() + " s: " + out);
    }

    /** Cancels the job through the web UI's address that bin/hark run printed, as an operator could. */
    void cancel() throws Exception {
        String printed = out.toString();
        Matcher job = SUBMITTED.matcher(printed);
        Matcher web = WEB_UI.matcher(printed);
        assertTrue(job.find() && web.find(), printed);
        new FlinkRestClient(web.group(1), Duration.ofSeconds(10)).cancel(job.group(1));
        exit.get(60, TimeUnit.SECONDS);
    }

    /** A figure of bin/hark run's status line ({@code chunks in 1,200}), or -1 where it is not reported ({@code -}). */
    static long figure(String statusLine, String name) {
        Matcher m = Pattern.compile(name + " ([\\d,]+)").matcher(statusLine);
        return m.find() ? Long.parseLong(m.group(1).replace(",", "")) : -1;
    }
}
