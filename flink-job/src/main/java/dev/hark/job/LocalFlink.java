package dev.hark.job;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;

/** Settings for an in-process Flink (demo, tests) that listens on 127.0.0.1 only. */
public final class LocalFlink {
    private LocalFlink() {
    }

    public static Configuration loopbackConfiguration() {
        Configuration conf = new Configuration();
        conf.set(JobManagerOptions.BIND_HOST, "127.0.0.1");
        conf.set(JobManagerOptions.ADDRESS, "127.0.0.1");
        conf.set(TaskManagerOptions.BIND_HOST, "127.0.0.1");
        conf.set(TaskManagerOptions.HOST, "127.0.0.1");
        conf.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
        conf.set(RestOptions.ADDRESS, "127.0.0.1");
        conf.set(RestOptions.BIND_PORT, "0");
        conf.set(PipelineOptions.MAX_PARALLELISM, HarkJob.DEFAULT_MAX_PARALLELISM);
        // The web UI and bin/hark run's status line read metrics through the REST API: fresh every second, not 10 s.
        conf.set(org.apache.flink.configuration.MetricOptions.METRIC_FETCHER_UPDATE_INTERVAL, java.time.Duration.ofSeconds(1));
        return conf;
    }
}
