package dev.hark.job.testing;

import dev.hark.job.LocalFlink;

import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;

/** The Flink MiniCluster of the integration tests: one TaskManager with two slots, listening on 127.0.0.1 only. */
public final class LoopbackMiniCluster {
    private LoopbackMiniCluster() {
    }

    public static MiniClusterExtension create() {
        return create(2, LocalFlink.loopbackConfiguration());
    }

    /** One TaskManager with {@code slots} slots and {@code configuration}, which must keep it on 127.0.0.1. */
    public static MiniClusterExtension create(int slots, org.apache.flink.configuration.Configuration configuration) {
        return new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
                .setConfiguration(configuration)
                .setNumberTaskManagers(1)
                .setNumberSlotsPerTaskManager(slots)
                .build());
    }
}
