#!/usr/bin/env bash
# Stand-in for Flink 2.2's bin/standalone-job.sh: start-foreground --job-classname CLASS [args] runs an application
# cluster's JobManager for the job jar in usrlib/.
source "$(dirname "$0")/flink-standin.sh"
[ "${1:-}" = start-foreground ] || { echo "Usage: standalone-job.sh start-foreground [args]"; exit 1; }
shift
run_in_foreground org.apache.flink.container.entrypoint.StandaloneApplicationClusterEntryPoint GET_JM_RESOURCE_PARAMS \
  standalonejob "$@"
