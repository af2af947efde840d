# Sourced by the stand-in's jobmanager.sh, standalone-job.sh and taskmanager.sh: what Flink 2.2's config.sh and
# flink-console.sh do for a process in the foreground, in short. Memory flags come from Flink's own BashJavaUtils, as
# in Flink's scripts; env.java.opts.all is word-split onto the java command line, as there.
FLINK_CONF_DIR=${FLINK_CONF_DIR:-$FLINK_HOME/conf}

# A key of the configuration, flat ("a.b.c: v") or nested (BashJavaUtils writes nested YAML, two spaces a level).
read_config() {
  awk -v key="$1" '
    /^[[:space:]]*(#|$)/ { next }
    {
      match($0, /^ */); level = RLENGTH / 2
      line = substr($0, RLENGTH + 1); name = line; sub(/:.*/, "", name)
      value = line; sub(/^[^:]*:[[:space:]]*/, "", value)
      path[level] = name; full = path[0]
      for (i = 1; i <= level; i++) full = full "." path[i]
      if (full == key && value != "") { gsub(/^'"'"'|'"'"'$/, "", value); gsub(/^"|"$/, "", value); found = value }
    }
    END { print found }' "$FLINK_CONF_DIR/config.yaml"
}

# BashJavaUtils COMMAND: its result lines (for the resource commands: the JVM flags, then the dynamic options).
bash_java_utils() {
  local output
  output=$(java -classpath "$FLINK_HOME/lib/*" org.apache.flink.runtime.util.bash.BashJavaUtils "$1" \
    --configDir "$FLINK_CONF_DIR" 2>&1) || { echo "[ERROR] BashJavaUtils $1 failed:" >&2; echo "$output" >&2; exit 1; }
  printf '%s\n' "$output" | sed -n 's/^BASH_JAVA_UTILS_EXEC_RESULT://p'
}

# run_in_foreground ENTRY_CLASS RESOURCE_COMMAND|- LOG_NAME [ARGS...]
run_in_foreground() {
  local entry=$1 resources=$2 name=$3 jvm="" dynamic=""
  shift 3
  if [ "$resources" != - ]; then
    local params
    params=$(bash_java_utils "$resources") || exit 1
    jvm=$(printf '%s\n' "$params" | head -n 1)
    dynamic=$(printf '%s\n' "$params" | tail -n 1)
  fi
  mkdir -p "$FLINK_HOME/log"
  # shellcheck disable=SC2046,SC2086 # word-split on purpose, as Flink's scripts do
  exec java $jvm $(read_config env.java.opts.all) \
    -Dlog.file="$FLINK_HOME/log/flink-$name.log" \
    -Dlog4j.configurationFile="file:$FLINK_CONF_DIR/log4j-console.properties" \
    -classpath "$FLINK_HOME/lib/*" "$entry" --configDir "$FLINK_CONF_DIR" $dynamic "$@"
}
