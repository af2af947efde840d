package dev.hark.cli;

import dev.hark.client.LoopbackPorts;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;

/** The port of an in-process Flink's web UI on 127.0.0.1: the one asked for, else Flink's usual one if free. */
final class WebPort {
    static final int FLINK_DEFAULT = 8081;

    private WebPort() {
    }

    /**
     * Chooses the web UI's port and points {@code conf} (a {@code LocalFlink} configuration) at it.
     *
     * @param asked the port given on the command line: null for 8081 or, when that is taken, a free one; 0 for a free
     *              one; any other must be free
     * @return the port chosen
     */
    static int configure(Configuration conf, Integer asked) {
        int port = choose(asked);
        conf.set(RestOptions.BIND_PORT, String.valueOf(port));
        conf.set(RestOptions.PORT, port);
        return port;
    }

    static int choose(Integer asked) {
        if (asked != null && (asked < 0 || asked > 65535)) {
            throw new HarkCli.UserError("--web-port must be between 0 and 65535, got " + asked);
        }
        if (asked != null && asked != 0) {
            if (!LoopbackPorts.isFree(asked)) {
                throw new HarkCli.UserError("--web-port " + asked + ": the port is in use on 127.0.0.1; choose another,"
                        + " or 0 for a free one");
            }
            return asked;
        }
        return asked == null && LoopbackPorts.isFree(FLINK_DEFAULT) ? FLINK_DEFAULT : LoopbackPorts.free();
    }
}
