#!/usr/bin/env bash
# Stand-in for Flink 2.2's bin/jobmanager.sh: start-foreground [args] runs a session cluster's JobManager.
source "$(dirname "$0")/flink-standin.sh"
[ "${1:-}" = start-foreground ] || { echo "Usage: jobmanager.sh start-foreground [args]"; exit 1; }
shift
run_in_foreground org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint GET_JM_RESOURCE_PARAMS \
  standalonesession "$@"
