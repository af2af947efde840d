#!/usr/bin/env bash
# Stand-in for Flink 2.2's bin/taskmanager.sh: start-foreground [args] runs a TaskManager.
source "$(dirname "$0")/flink-standin.sh"
[ "${1:-}" = start-foreground ] || { echo "Usage: taskmanager.sh start-foreground [args]"; exit 1; }
shift
run_in_foreground org.apache.flink.runtime.taskexecutor.TaskManagerRunner GET_TM_RESOURCE_PARAMS taskexecutor "$@"
