#!/usr/bin/env bash
# Soak: the job at a fixed load for a long time, then with every stream gone idle. Memory must stay flat under the
# load, and once the streams have stopped, their state must go (checkpoints back to their size without streams).
#
#   docs/bench/soak.sh [--minutes M] [--streams N] [--idle-timeout S] [--sample S] [--parallelism P]
#     --minutes M       minutes of load (default 30)
#     --streams N       real-time 16 kHz streams, 100 ms chunks (default 100)
#     --idle-timeout S  hark.stream.idle-timeout in seconds: after the load, streams are freed this long after
#                       their last chunk (default 60)
#     --sample S        seconds between samples (default 30)
#     --parallelism P   the job's parallelism (default 2)
#
# Runs bin/hark broker, bin/hark run (exactly-once, checkpoints in a folder every 10 s), bin/hark consume and
# bin/hark produce --loop, each a process of its own on 127.0.0.1. Every sample writes a line to samples.csv in
# the work folder it prints: seconds since the load started, phase (load or idle), the job's resident memory (RSS),
# its live heap (in use right after a full collection it asks for, jcmd GC.run), the latest checkpoint's size, the
# live streams of the ordering operator (its liveStreams metric, all subtasks), and predictions so far. At the end
# it prints the samples and a summary: RSS and live heap at a quarter, half, three quarters and the end of the
# load (flat means no growth past the first quarter), and the checkpoint size and live streams at the end of the
# idle phase against the first checkpoint, taken before any stream began.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
MINUTES=30 STREAMS=100 IDLE=60 SAMPLE=30 PARALLELISM=2
while [ $# -gt 0 ]; do
  case "$1" in
    --minutes) MINUTES="$2"; shift 2 ;;
    --streams) STREAMS="$2"; shift 2 ;;
    --idle-timeout) IDLE="$2"; shift 2 ;;
    --sample) SAMPLE="$2"; shift 2 ;;
    --parallelism) PARALLELISM="$2"; shift 2 ;;
    -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
    *) echo "unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

WORK="$(mktemp -d /tmp/hark-soak-XXXXXX)"
echo "logs and samples in $WORK" >&2
"$ROOT/bin/hark" --version >/dev/null # build once, before the clock starts

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
await_line() { # file, pattern, seconds
  for _ in $(seq 1 $(($3 * 5))); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.2; done
  echo "timed out waiting for '$2' in $1" >&2; return 1
}
rss_mb() { awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$1/status" 2>/dev/null || echo "-"; }
# The live heap: what the heap holds right after a full collection (jcmd GC.run), the figure a leak would grow.
# A full collection leaves every live object in the old generation: its use (OU) then is the live set; eden fills
# again within milliseconds under load, so it is left out.
live_heap_mb() { jcmd "$1" GC.run >/dev/null 2>&1; jstat -gc "$1" 2>/dev/null | awk 'NR == 2 {for (i = 1; i <= NF; i++) if (h[i] == "OU") printf "%.0f", $i / 1024} NR == 1 {for (i = 1; i <= NF; i++) h[i] = $i}'; }
checkpoint_kb() { # the newest complete checkpoint (it has its _metadata)
  local newest; newest="$(ls -d "$WORK"/checkpoints/*/chk-* 2>/dev/null | sort -t- -k2 -n | while read -r d; do [ -f "$d/_metadata" ] && echo "$d"; done | tail -1)"
  [ -n "$newest" ] && du -sk "$newest" | awk '{print $1}' || echo "-"
}
live_streams() { # the ordering operator's liveStreams gauge, summed over its subtasks, from the REST API
  python3 - "$WEB" <<'PY' 2>/dev/null || echo "-"
import json, sys, urllib.request
base = "http://127.0.0.1:%s" % sys.argv[1]
get = lambda path: json.load(urllib.request.urlopen(base + path, timeout=5))
job = [j for j in get("/jobs/overview")["jobs"] if j["state"] == "RUNNING"][0]["jid"]
for v in get("/jobs/%s" % job)["vertices"]:
    if "Order chunks" in v["name"]:
        ids = [m["id"] for m in get("/jobs/%s/vertices/%s/subtasks/metrics" % (job, v["id"])) if m["id"].endswith("liveStreams")]
        print(int(sum(float(m["sum"]) for m in get("/jobs/%s/vertices/%s/subtasks/metrics?get=%s&agg=sum" % (job, v["id"], ",".join(ids))))))
PY
}

PORT="$(free_port)"; WEB="$(free_port)"; BOOT="127.0.0.1:$PORT"
"$ROOT/bin/hark" broker --port "$PORT" --partitions 4 > "$WORK/broker.log" 2>&1 & BROKER=$!
trap 'kill $PRODUCER $CONSUMER $JOB $BROKER 2>/dev/null || true' EXIT
PRODUCER="" CONSUMER="" JOB=""
await_line "$WORK/broker.log" "bootstrap servers" 120
echo "hark.stream.idle-timeout: ${IDLE} s" > "$WORK/soak.yaml"
"$ROOT/bin/hark" run --bootstrap-servers "$BOOT" --web-port "$WEB" --parallelism "$PARALLELISM" \
  --delivery-guarantee EXACTLY_ONCE --checkpoint-dir "$WORK/checkpoints" --config "$WORK/soak.yaml" \
  > "$WORK/run.log" 2>&1 & JOB=$!
await_line "$WORK/run.log" " RUNNING \([0-9]*\)/\1 tasks" 180
"$ROOT/bin/hark" consume --bootstrap-servers "$BOOT" --json > "$WORK/predictions.jsonl" 2> "$WORK/consume.log" & CONSUMER=$!
sleep 15 # a checkpoint or two of the job without streams: the baseline
BASELINE_KB="$(checkpoint_kb)"
"$ROOT/bin/hark" produce --bootstrap-servers "$BOOT" --streams "$STREAMS" --loop "$ROOT/examples/demo-streams" \
  > "$WORK/produce.log" 2>&1 & PRODUCER=$!
START=$(date +%s)
echo "seconds,phase,rss_mb,live_heap_mb,checkpoint_kb,live_streams,predictions" > "$WORK/samples.csv"
sample() {
  echo "$(( $(date +%s) - START )),$1,$(rss_mb $JOB),$(live_heap_mb $JOB),$(checkpoint_kb),$(live_streams),$(grep -c '"type":"prediction"' "$WORK/predictions.jsonl" || true)" \
    | tee -a "$WORK/samples.csv" >&2
}
while [ $(( $(date +%s) - START )) -lt $((MINUTES * 60)) ]; do sleep "$SAMPLE"; sample load; done
# SIGKILL: the producer sends no end-of-stream chunks, so the streams just go silent and only the idle timeout can
# free them (a plain kill ends every stream properly, which frees its state at once).
kill -9 $PRODUCER; wait $PRODUCER 2>/dev/null || true
IDLE_START=$(date +%s)
# Streams are freed between the idle timeout and an eighth more after their last chunk; then a checkpoint.
while [ $(( $(date +%s) - IDLE_START )) -lt $((IDLE * 9 / 8 + 40)) ]; do sleep 10; sample idle; done

echo
column -s, -t < "$WORK/samples.csv"
python3 - "$WORK/samples.csv" "$BASELINE_KB" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
load = [r for r in rows if r["phase"] == "load"]
idle = [r for r in rows if r["phase"] == "idle"]
at = lambda f: load[min(len(load) - 1, int(f * len(load)))]
print("\nload phase (%d samples): at 1/4, 1/2, 3/4, end" % len(load))
for key in ("rss_mb", "live_heap_mb", "checkpoint_kb", "live_streams"):
    print("  %-14s %s" % (key, " / ".join(at(f)[key] for f in (0.25, 0.5, 0.75, 0.999))))
print("idle phase: checkpoint %s KB (baseline before any stream %s KB), live streams %s, predictions %s"
      % (idle[-1]["checkpoint_kb"], sys.argv[2], idle[-1]["live_streams"], idle[-1]["predictions"]))
PY
