#!/usr/bin/env bash
# Load harness: N simulated real-time 16 kHz streams through a local broker and the job, predictions read back.
#
#   docs/bench/load.sh [options] N [N ...]
#     --seconds S        how long the streams run at each N (default 60)
#     --parallelism P    the job's parallelism (default 2)
#     --guarantee G      AT_LEAST_ONCE (default) or EXACTLY_ONCE
#     --p99-limit MS     the p99 latency that still counts as real time (default 1000)
#     --warmup S         the first S seconds are start-up: their latency is reported apart (default 30)
#     --model DIR        the model the job serves (default: the bundled one)
#   HARK_JOB_JAVA_OPTS   JVM options for the job's process only (a profiler agent, say); default: HARK_JAVA_OPTS
#
# For each N: a fresh broker (bin/hark broker), the job (bin/hark run), a consumer (bin/hark consume --json) and
# the producer (bin/hark produce --streams N --loop, 100 ms chunks in real time), each a process of its own on
# 127.0.0.1. It reports windows expected and predicted, latency from window end until the prediction is readable
# (p50, p99, max over the steady part, after the warm-up; and the worst during the warm-up), the cores each process used, the job's heap and each
# process's peak RSS, and whether N stayed real time: every window predicted and p99 within the limit. A table line
# per N goes to stdout; the processes' logs stay in the work folder it prints. job_in: audio-seconds per second the
# job took in over the steady part; at an N it cannot keep up with, that is the number of streams it can. dups:
# predictions of a (stream, window) already predicted (at-least-once may repeat some after a failure;
# exactly-once must show 0).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SECONDS_PER_RUN=60 PARALLELISM=2 GUARANTEE=AT_LEAST_ONCE P99_LIMIT=1000 WARMUP=30 MODEL_ARGS=()
COUNTS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) SECONDS_PER_RUN="$2"; shift 2 ;;
    --parallelism) PARALLELISM="$2"; shift 2 ;;
    --guarantee) GUARANTEE="$2"; shift 2 ;;
    --p99-limit) P99_LIMIT="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    --model) MODEL_ARGS=(--model "$2"); shift 2 ;;
    -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
    *) COUNTS+=("$1"); shift ;;
  esac
done
[ "${#COUNTS[@]}" -gt 0 ] || { echo "give one or more stream counts, e.g. docs/bench/load.sh 100 300 500" >&2; exit 2; }

WORK="$(mktemp -d /tmp/hark-load-XXXXXX)"
echo "logs in $WORK" >&2
"$ROOT/bin/hark" --version >/dev/null # build once, before the clock starts

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null \
  || echo $((20000 + RANDOM % 20000)); }
ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; } # utime + stime, in clock ticks
peak_rss_mb() { awk '/VmHWM/ {printf "%.0f", $2 / 1024}' "/proc/$1/status" 2>/dev/null || echo "-"; }
heap_used_mb() { jcmd "$1" GC.heap_info 2>/dev/null | awk '/used/ {for (i = 1; i <= NF; i++) if ($i == "used") {v = $(i + 1); sub("K,?", "", v); printf "%.0f", v / 1024; exit}}'; }
await_line() { # file, pattern, seconds
  for _ in $(seq 1 $(($3 * 5))); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.2; done
  echo "timed out waiting for '$2' in $1" >&2; return 1
}

printf '%-7s %-14s %-5s %-7s %-7s %-7s %-9s %-10s %-9s %-24s %-7s %-20s %s\n' streams windows dups p50_ms p99_ms max_ms steady_n warmup_max \
  job_in "cores broker/job/prod/cons" heap_MB "peak RSS MB b/j/p/c" "real time"
for N in "${COUNTS[@]}"; do
  RUN="$WORK/n$N"; mkdir -p "$RUN"
  PORT="$(free_port)"; WEB="$(free_port)"; BOOT="127.0.0.1:$PORT"
  "$ROOT/bin/hark" broker --port "$PORT" --partitions 4 > "$RUN/broker.log" 2>&1 & BROKER=$!
  await_line "$RUN/broker.log" "bootstrap servers" 120
  HARK_JAVA_OPTS="${HARK_JOB_JAVA_OPTS:-${HARK_JAVA_OPTS:--Xmx4g}}" "$ROOT/bin/hark" run --bootstrap-servers "$BOOT" --web-port "$WEB" --parallelism "$PARALLELISM" \
    --delivery-guarantee "$GUARANTEE" --checkpoint-dir "$RUN/checkpoints" "${MODEL_ARGS[@]}" > "$RUN/run.log" 2>&1 & JOB=$!
  await_line "$RUN/run.log" " RUNNING \([0-9]*\)/\1 tasks" 180
  "$ROOT/bin/hark" consume --bootstrap-servers "$BOOT" --json > "$RUN/predictions.jsonl" 2> "$RUN/consume.log" & CONSUMER=$!
  sleep 5 # the consumer joins before the first window ends
  START_MS=$(date +%s%3N)
  "$ROOT/bin/hark" produce --bootstrap-servers "$BOOT" --streams "$N" --loop "$ROOT/examples/demo-streams" \
    > "$RUN/produce.log" 2>&1 & PRODUCER=$!
  sleep "$WARMUP" # past start-up: CPU is measured over the steady part
  declare -A T0=([b]=$(ticks $BROKER) [j]=$(ticks $JOB) [p]=$(ticks $PRODUCER) [c]=$(ticks $CONSUMER))
  T0_MS=$(date +%s%3N)
  sleep $((SECONDS_PER_RUN - WARMUP))
  declare -A T1=([b]=$(ticks $BROKER) [j]=$(ticks $JOB) [p]=$(ticks $PRODUCER) [c]=$(ticks $CONSUMER))
  T1_MS=$(date +%s%3N)
  # Audio the job took in per second over the steady part (its status lines' "chunks in", 100 ms chunks): at an N
  # the job cannot keep up with, this is how many streams it does keep up with.
  INTAKE=$(awk -v t0=$((T0_MS / 1000)) -v t1=$((T1_MS / 1000)) -v day="$(date +%Y-%m-%d)" '
    / RUNNING .*chunks in [0-9,]+/ {
      match($0, /[0-9][0-9]:[0-9][0-9]:[0-9][0-9] RUNNING/); ts = substr($0, RSTART, 8)
      cmd = "date -d \"" day " " ts "\" +%s"; cmd | getline t; close(cmd)
      match($0, /chunks in [0-9,]+/); c = substr($0, RSTART + 10, RLENGTH - 10); gsub(",", "", c)
      if (t >= t0 && first == "") { ft = t; fc = c; first = 1 }
      if (t <= t1) { lt = t; lc = c }
    }
    END { if (first && lt > ft) printf "%.0f", (lc - fc) * 0.1 / (lt - ft); else printf "-" }' "$RUN/run.log")
  HEAP="$(heap_used_mb $JOB)"; RSS="$(peak_rss_mb $BROKER)/$(peak_rss_mb $JOB)/$(peak_rss_mb $PRODUCER)/$(peak_rss_mb $CONSUMER)"
  kill $PRODUCER 2>/dev/null; wait $PRODUCER 2>/dev/null || true
  END_MS=$(date +%s%3N)
  # Windows that ended before the producer stopped, and time for the last ones (and a checkpoint) to come out.
  sleep $([ "$GUARANTEE" = EXACTLY_ONCE ] && echo 15 || echo 5)
  kill $CONSUMER $JOB $BROKER 2>/dev/null; wait $CONSUMER $JOB $BROKER 2>/dev/null || true
  HZ=$(getconf CLK_TCK); ELAPSED=$(( T1_MS - T0_MS ))
  CORES=$(for k in b j p c; do awk -v d=$(( ${T1[$k]} - ${T0[$k]} )) -v hz=$HZ -v ms=$ELAPSED 'BEGIN {printf "%.2f", d / hz / (ms / 1000)}'; echo -n /; done | sed 's#/$##')
  # Every stream starts at the producer's start and has a 1 s window every 0.5 s: expected are those that ended at
  # least 1 s before the producer stopped; each (stream, window) counts once (at-least-once may repeat one).
  awk -v n=$N -v steady=$((START_MS + WARMUP * 1000)) -v last=$((END_MS - 1000)) -v out="$RUN/latencies.txt" '
    function field(name,   v) { if (!match($0, "\"" name "\":\"?[^,\"}]*")) return ""; v = substr($0, RSTART, RLENGTH); sub(/.*:"?/, "", v); return v }
    /"type":"prediction"/ {
      end = field("window_end") + 0; start = field("window_start") + 0; idx = field("window_index") + 0
      origin = start - idx * 500; if (first == "" || origin < first) first = origin
      if (end <= last) { if (!seen[field("stream_id") SUBSEP idx]++) predicted++; else repeated++ }
      latency = field("latency_ms") + 0
      if (end >= steady && end <= last) print latency > out
      else if (end < steady && latency > cold) cold = latency
    }
    END { expected = first == "" ? 0 : n * (int((last - first - 1000) / 500) + 1); print predicted + 0, expected, cold + 0, repeated + 0 }' \
    "$RUN/predictions.jsonl" > "$RUN/counts.txt"
  sort -n -o "$RUN/latencies.txt" "$RUN/latencies.txt" 2>/dev/null || touch "$RUN/latencies.txt"
  read -r PREDICTED EXPECTED COLD REPEATED < "$RUN/counts.txt"
  COUNT=$(wc -l < "$RUN/latencies.txt")
  pct() { if [ "$COUNT" -gt 0 ]; then sed -n "$(( (COUNT * $1 + 99) / 100 ))p" "$RUN/latencies.txt"; else echo "-"; fi; }
  P50=$(pct 50); P99=$(pct 99); MAX=$(tail -1 "$RUN/latencies.txt" 2>/dev/null || echo "-")
  REAL="no"
  if [ "$EXPECTED" -gt 0 ] && [ "$PREDICTED" -ge "$EXPECTED" ] && [ "$COUNT" -gt 0 ] && [ "$P99" -le "$P99_LIMIT" ]; then REAL="yes"; fi
  if [ "$GUARANTEE" = EXACTLY_ONCE ] && [ "$REPEATED" -gt 0 ]; then REAL="no (repeats)"; fi
  printf '%-7s %-14s %-5s %-7s %-7s %-7s %-9s %-10s %-9s %-24s %-7s %-20s %s\n' "$N" "$PREDICTED/$EXPECTED" "$REPEATED" "$P50" "$P99" "$MAX" \
    "$COUNT" "$COLD" "$INTAKE" "$CORES" "${HEAP:--}" "$RSS" "$REAL"
done
