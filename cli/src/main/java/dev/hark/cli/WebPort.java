package dev.hark.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** The port of an in-process Flink's web UI on 127.0.0.1: the one asked for, else Flink's usual one if free. */
final class WebPort {
    static final int FLINK_DEFAULT = 8081;

    private WebPort() {
    }

    /**
     * @param asked the port given on the command line: null for 8081 or, when that is taken, a free one; 0 for a free
     *              one; any other must be free
     */
    static int choose(Integer asked) {
        if (asked != null && (asked < 0 || asked > 65535)) {
            throw new HarkCli.UserError("--web-port must be between 0 and 65535, got " + asked);
        }
        if (asked != null && asked != 0) {
            if (!isFree(asked)) {
                throw new HarkCli.UserError("--web-port " + asked + ": the port is in use on 127.0.0.1; choose another,"
                        + " or 0 for a free one");
            }
            return asked;
        }
        if (asked == null && isFree(FLINK_DEFAULT)) {
            return FLINK_DEFAULT;
        }
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port on 127.0.0.1 for Flink's web UI: " + e.getMessage());
        }
    }

    private static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
