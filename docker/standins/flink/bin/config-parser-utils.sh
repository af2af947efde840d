#!/usr/bin/env bash
# Stand-in for Flink 2.2's bin/config-parser-utils.sh: config-parser-utils.sh CONF_DIR BIN_DIR LIB_DIR [-Dkey=value ...]
# runs Flink's own BashJavaUtils UPDATE_AND_GET_FLINK_CONFIGURATION on the configuration in CONF_DIR with the given
# options and writes the result back (config.yaml, or flink-conf.yaml where that file exists).
# As in Flink's bash-java-utils.sh, the options reach Java word-split (the script expands them unquoted): a value with
# a space in it loses everything after the space. DeploymentFilesTest holds hark's Dockerfile to values without one.
set -uo pipefail
if [ "$#" -lt 3 ]; then
  echo "Usage: config-parser-utils.sh FLINK_CONF_DIR FLINK_BIN_DIR FLINK_LIB_DIR [dynamic args...]"
  exit 1
fi
conf_dir=$1 lib_dir=$3
shift 3
java_run=java
[ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ] && java_run="$JAVA_HOME/bin/java"
# shellcheck disable=SC2068 # unquoted on purpose: Flink's scripts split the options the same way
output=$("$java_run" -classpath "$lib_dir/*" org.apache.flink.runtime.util.bash.BashJavaUtils \
  UPDATE_AND_GET_FLINK_CONFIGURATION --configDir "$conf_dir" $@ 2>&1)
status=$?
result=$(printf '%s\n' "$output" | sed -n 's/^BASH_JAVA_UTILS_EXEC_RESULT://p')
if [ $status -ne 0 ] || [ -z "$result" ]; then
  echo "[ERROR] Could not get configurations properly, the result is :"
  printf '%s\n' "$output"
  exit 1
fi
conf_file="$conf_dir/flink-conf.yaml"
[ -e "$conf_file" ] || conf_file="$conf_dir/config.yaml"
printf '%s\n' "$result" > "$conf_file"
