package dev.hark.cli.cluster;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import dev.hark.job.testing.ParentWatch;

/**
 * A single ZooKeeper server in a JVM of its own, started as Flink's {@code zookeeper.sh} starts it
 * ({@code FlinkZooKeeperQuorumPeer}, from a distribution's lib/), listening on 127.0.0.1 only, its data in a folder:
 * for JobManager high availability on the standalone cluster. Ends with the test JVM.
 */
public final class ZooKeeperProcess implements AutoCloseable {
    private final Process process;
    private final int port;

    private ZooKeeperProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    public static ZooKeeperProcess start(Path dir) throws Exception {
        Files.createDirectories(dir.resolve("data"));
        int port = StandaloneFlinkCluster.freePort();
        Path config = dir.resolve("zoo.cfg");
        Files.writeString(config, String.join("\n",
                "tickTime=500", "initLimit=10", "syncLimit=5", // sessions of 1-10 s, so a killed JobManager's lapses soon
                "maxSessionTimeout=10000",
                "dataDir=" + dir.resolve("data"),
                "clientPort=" + port, "clientPortAddress=127.0.0.1",
                "admin.enableServer=false", // its admin server would listen on 0.0.0.0:8080
                ""));
        List<String> classpath = new ArrayList<>(StandaloneFlinkCluster.distributionClasspath());
        classpath.add(StandaloneFlinkCluster.watchClasspath(dir).toString());
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", String.join(":", classpath), "-Dzookeeper.4lw.commands.whitelist=ruok",
                ParentWatch.class.getName(), "org.apache.flink.runtime.zookeeper.FlinkZooKeeperQuorumPeer",
                "--zkConfigFile", config.toString(), "--peerId", "1");
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("zookeeper.out").toFile())).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("ZooKeeper exited:\n" + Files.readString(dir.resolve("zookeeper.out")));
            }
            try (Socket socket = new Socket("127.0.0.1", port)) {
                // A server still starting may answer but not close the socket: never wait on it for long.
                socket.setSoTimeout(2000);
                socket.getOutputStream().write("ruok".getBytes());
                if (new String(socket.getInputStream().readAllBytes()).equals("imok")) {
                    return new ZooKeeperProcess(process, port);
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        process.destroyForcibly();
        throw new IllegalStateException("ZooKeeper did not answer in 60 s:\n" + Files.readString(dir.resolve("zookeeper.out")));
    }

    /** {@code 127.0.0.1:<port>}, for high-availability.zookeeper.quorum. */
    public String quorum() {
        return "127.0.0.1:" + port;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
