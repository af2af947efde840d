#!/usr/bin/env bash
# hark's log-mel front end (SIMD and scalar engines) and torchaudio (one window per call, a batch of 32 per call,
# a continuous signal; autograd on and under inference_mode), measured alternately in one run on one core each,
# ROUNDS times; prints every round and the medians. Needs Debian's python3-torchaudio for the torchaudio rows.
# Usage: docs/bench/frontend_side_by_side.sh [ROUNDS]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
ROUNDS="${1:-3}"
OUT="$(mktemp -d)"
for r in $(seq 1 "$ROUNDS"); do
  bin/bench LogMelBenchmark -f 1 -wi 3 -w 2 -i 5 -r 2 -rf json -rff "$OUT/jmh-$r.json" > "$OUT/jmh-$r.log" 2>&1
  if /usr/bin/python3 -c 'import torchaudio' 2>/dev/null; then
    /usr/bin/python3 docs/bench/torchaudio_logmel.py 5 | tee "$OUT/torch-$r.txt"
  fi
done
/usr/bin/python3 - "$OUT" "$ROUNDS" <<'PY'
import json, re, statistics, sys, glob
out, rounds = sys.argv[1], int(sys.argv[2])
rows = {}
for r in range(1, rounds + 1):
    for b in json.load(open(f"{out}/jmh-{r}.json")):
        name = b["benchmark"].split(".")[-1] + " simd=" + b["params"]["simd"]
        scale = 10 if "TenSeconds" in name else 1   # continuousStreamTenSeconds: one op = 10 s of audio
        rows.setdefault(name, []).append(b["primaryMetric"]["score"] * scale)
    for f in glob.glob(f"{out}/torch-{r}.txt"):
        for m in re.finditer(r"^\s+(autograd|inference_mode)\s+(.+?)\s{2,}(\d+)\s", open(f).read(), re.M):
            rows.setdefault(f"torchaudio {m.group(1)}: {m.group(2)}", []).append(float(m.group(3)))
print("\naudio-seconds per second, one thread (median of %d rounds; each round's value)" % rounds)
for name in sorted(rows):
    print(f"{name:52s} {statistics.median(rows[name]):9.0f}   {', '.join(f'{v:.0f}' for v in rows[name])}")
PY
