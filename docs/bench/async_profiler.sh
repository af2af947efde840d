#!/usr/bin/env bash
# Fetches async-profiler 2.9 from Maven Central and prints the -agentpath option that profiles the job's CPU into
# collapsed stacks, a file every 30 s. Use it with the load harness, then sum the stages:
#   HARK_JOB_JAVA_OPTS="-Xmx4g $(docs/bench/async_profiler.sh /tmp/prof)" docs/bench/load.sh --seconds 180 --warmup 120 700
#   python3 docs/bench/profile_stages.py /tmp/prof-*.collapsed      # the later files: the steady part
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PREFIX="${1:-/tmp/hark-profile}"
DIR="$ROOT/target/async-profiler"
if [ ! -f "$DIR/linux-x64/libasyncProfiler.so" ]; then
  mkdir -p "$DIR"
  "$ROOT/mvnw" -q -B dependency:copy -Dartifact=tools.profiler:async-profiler:2.9 -DoutputDirectory="$DIR" >&2
  (cd "$DIR" && unzip -q -o async-profiler-2.9.jar 'linux-x64/*')
fi
echo "-agentpath:$DIR/linux-x64/libasyncProfiler.so=start,event=cpu,interval=5ms,threads,loop=30s,file=$PREFIX-%t.collapsed,collapsed"
