#!/usr/bin/env bash
# Bad input at volume, measured from outside: bin/hark broker, bin/hark run --parallelism 2 (exactly-once,
# checkpoints in a folder), and docs/bench/bad_input.py sending 10,000 malformed records of 14 kinds over 50 stream
# ids among 10 good real-time streams for 20 s. Reports the job's restarts, its largest checkpoint and peak RSS,
# the good windows predicted (10 streams x 39 windows expected) and the dead letters by reason.
#
#   docs/bench/bad_input.sh [bad_input.py options, e.g. --bad 10000 --seconds 20]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PY=/usr/bin/python3 # Debian's, with python3-confluent-kafka and python3-avro (bin/install-test-packages)
WORK="$(mktemp -d /tmp/hark-bad-XXXXXX)"
echo "logs in $WORK" >&2
"$ROOT/bin/hark" --version >/dev/null
free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
await_line() { for _ in $(seq 1 $(($3 * 5))); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.2; done; echo "timed out: $2" >&2; return 1; }
PORT="$(free_port)"; WEB="$(free_port)"; BOOT="127.0.0.1:$PORT"
"$ROOT/bin/hark" broker --port "$PORT" --partitions 4 > "$WORK/broker.log" 2>&1 & BROKER=$!
trap 'kill $JOB $BROKER 2>/dev/null || true' EXIT
JOB=""
await_line "$WORK/broker.log" "bootstrap servers" 120
"$ROOT/bin/hark" run --bootstrap-servers "$BOOT" --web-port "$WEB" --parallelism 2 --status-every 2 \
  --checkpoint-dir "$WORK/checkpoints" > "$WORK/run.log" 2>&1 & JOB=$!
await_line "$WORK/run.log" " RUNNING \([0-9]*\)/\1 tasks" 180
"$PY" "$ROOT/docs/bench/bad_input.py" --bootstrap-servers "$BOOT" "$@" | tee "$WORK/sent.txt"
# Until the job is done with the backlog (the 900 KB chunks are 29 s of audio each): its figures still for 20 s.
last="" still=0
for _ in $(seq 1 240); do
  sleep 5
  now="$(grep RUNNING "$WORK/run.log" | tail -1 | grep -o 'chunks in [0-9,]* | windows scored [0-9,]* | predictions out [0-9,]* | dead letters [0-9,]*')"
  if [ -n "$now" ] && [ "$now" = "$last" ]; then still=$((still + 1)); else still=0; fi
  last="$now"; [ "$still" -ge 4 ] && break
done
DEAD="$(echo "$last" | grep -o 'dead letters [0-9,]*' | tr -dc 0-9)"
# Read back every dead letter and the good streams' predictions (10 x 39 expected), or what there is in 3 minutes.
timeout 180 "$ROOT/bin/hark" consume --bootstrap-servers "$BOOT" --from-beginning --json --topic audio-dead-letters \
  --max "$DEAD" > "$WORK/dead.jsonl" 2>/dev/null || true
timeout 180 "$ROOT/bin/hark" consume --bootstrap-servers "$BOOT" --from-beginning --json --max 390 \
  $(for i in $(seq 0 9); do echo --stream good-$i; done) > "$WORK/good.jsonl" 2>/dev/null || true
"$PY" - "$BOOT" <<'PY'
import sys
from confluent_kafka import Consumer, TopicPartition
c = Consumer({"bootstrap.servers": sys.argv[1], "group.id": "hark"})
parts = [TopicPartition("audio-chunks", p) for p in range(len(c.list_topics("audio-chunks").topics["audio-chunks"].partitions))]
ends = [c.get_watermark_offsets(p)[1] for p in parts]
done = [max(0, t.offset) for t in c.committed(parts, timeout=10)]
print("audio-chunks records per partition %s (%d), read and committed by the job %s (%d)" % (ends, sum(ends), done, sum(done)))
c.close()
PY
echo "peak RSS of the job: $(awk '/VmHWM/ {printf "%.0f MB", $2 / 1024}' /proc/$JOB/status)"
echo "last status: $(grep RUNNING "$WORK/run.log" | tail -1)"
echo "largest checkpoint: $(grep -o 'checkpoint [0-9]*, [0-9]* s ago, [0-9.]* [KMG]*B' "$WORK/run.log" | awk '{u = substr($NF, 1, 1); print $(NF-1) (u == "B" ? "" : u)}' | sort -h | tail -1)B"
echo "good windows predicted: $(grep -c '"type":"prediction"' "$WORK/good.jsonl") (distinct: $(grep -o '"stream_id":"[^"]*","window_index":[0-9]*' "$WORK/good.jsonl" | sort -u | wc -l))"
echo "dead letters: $(grep -c '"type":"dead_letter"' "$WORK/dead.jsonl" || true), by reason:"
grep -o '"reason":"[A-Z_]*"' "$WORK/dead.jsonl" | sort | uniq -c | sort -rn
