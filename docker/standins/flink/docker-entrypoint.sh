#!/usr/bin/env bash
# Stand-in for /docker-entrypoint.sh of the official image flink:2.2.1-scala_2.12-java17, for the stand-in image that
# docker/compose-e2e.sh builds where Docker Hub cannot be reached. It keeps the official entrypoint's contract, as
# written in apache/flink-docker (2.2/scala_2.12-java17-ubuntu/docker-entrypoint.sh, commit 983be34, sha256
# 4c539bc22adf0b3486b052020fe26d6bcf153483709d81deea53ac03e631f7ef), in code of its own:
#   - ENABLE_BUILT_IN_PLUGINS: jar names separated by ';'. Each must be a file in $FLINK_HOME/opt/, or the container
#     exits 1 ("Plugin NAME does not exist. Exiting."); each is linked into plugins/<NAME without .jar>/.
#   - the configuration: jobmanager.rpc.address (JOB_MANAGER_RPC_ADDRESS, else `hostname -f`), blob.server.port
#     6124, query.server.port 6125, taskmanager.numberOfTaskSlots (TASK_MANAGER_NUMBER_OF_TASK_SLOTS), then each
#     line of FLINK_PROPERTIES with all white space removed, split at its first ':', the value through envsubst; all
#     written into conf/ by bin/config-parser-utils.sh.
#   - jemalloc preloaded unless DISABLE_JEMALLOC=true; then jobmanager | standalone-job | taskmanager |
#     history-server run the matching bin/ script in the foreground, help prints the usage, anything else is run as is.
# FlinkImageEntrypointTest runs this file, or the official one where -Dhark.flink.entrypoint names it.

rpc_address=${JOB_MANAGER_RPC_ADDRESS:-$(hostname -f)}

[ "$(id -u)" = 0 ] && echo "WARNING: Running as root user is not recommended. Please use a non-root user to run Flink."

if [ "${DISABLE_JEMALLOC:-false}" = false ]; then
  for jemalloc in "/usr/lib/$(uname -m)-linux-gnu/libjemalloc.so" /usr/lib/x86_64-linux-gnu/libjemalloc.so; do
    if [ -f "$jemalloc" ]; then export LD_PRELOAD="${LD_PRELOAD:-}:$jemalloc"; break; fi
  done
fi

if [ -n "${ENABLE_BUILT_IN_PLUGINS:-}" ]; then
  echo "Enabling required built-in plugins"
  IFS=';' read -r -a wanted <<< "$ENABLE_BUILT_IN_PLUGINS"
  for jar in "${wanted[@]}"; do
    [ -z "$jar" ] && continue
    folder="$FLINK_HOME/plugins/${jar%.jar}"
    mkdir -p "$folder"
    if [ ! -e "$FLINK_HOME/opt/$jar" ]; then
      echo "Plugin $jar does not exist. Exiting."
      exit 1
    fi
    ln -fs "$FLINK_HOME/opt/$jar" "$folder"
    echo "Successfully enabled $jar"
  done
fi

apply() { # KEY VALUE [KEY VALUE ...]: into conf/ through Flink's own configuration writer
  local dynamic=()
  while [ $# -gt 1 ]; do dynamic+=("-D$1=$2"); shift 2; done
  [ ${#dynamic[@]} -eq 0 ] || "$FLINK_HOME/bin/config-parser-utils.sh" "$FLINK_HOME/conf" "$FLINK_HOME/bin" \
    "$FLINK_HOME/lib" "${dynamic[@]}"
}

base=(jobmanager.rpc.address "$rpc_address" blob.server.port 6124 query.server.port 6125)
[ -n "${TASK_MANAGER_NUMBER_OF_TASK_SLOTS:-}" ] && base+=(taskmanager.numberOfTaskSlots "$TASK_MANAGER_NUMBER_OF_TASK_SLOTS")
apply "${base[@]}"

if [ -n "${FLINK_PROPERTIES:-}" ]; then
  properties=()
  while IFS= read -r line; do
    line=$(printf '%s' "$line" | tr -d '[:space:]')
    [ -z "$line" ] && continue
    properties+=("${line%%:*}" "$(printf '%s' "${line#*:}" | envsubst)")
  done <<< "$FLINK_PROPERTIES"
  apply "${properties[@]}"
fi

command=${1:-help}
case "$command" in
  help)
    echo "Usage: $(basename "$0") (jobmanager|standalone-job|taskmanager|history-server)"
    echo "    Or $(basename "$0") help"
    exit 0 ;;
  jobmanager) shift; echo "Starting Job Manager"; exec "$FLINK_HOME/bin/jobmanager.sh" start-foreground "$@" ;;
  standalone-job) shift; echo "Starting Job Manager"; exec "$FLINK_HOME/bin/standalone-job.sh" start-foreground "$@" ;;
  history-server) shift; echo "Starting History Server"; exec "$FLINK_HOME/bin/historyserver.sh" start-foreground "$@" ;;
  taskmanager) shift; echo "Starting Task Manager"; exec "$FLINK_HOME/bin/taskmanager.sh" start-foreground "$@" ;;
esac
exec "$@"
