#!/usr/bin/env bash
# A peer trained on recorded people, side by side with a hark model on the same clips: CMU PocketSphinx (Debian's
# pocketsphinx and its en-us acoustic model, a continuous-density HMM trained on read speech) restricted by a grammar
# to the ten keywords, against the hark model's likeliest of the same ten keywords. Closed set on both sides:
# PocketSphinx here has no _unknown_ or _silence_, so only keyword clips are scored, and neither may answer anything
# else.
#
#   docs/bench/peer_pocketsphinx.sh DATA_DIR [MODEL_DIR]
#
# DATA_DIR in the Speech Commands layout: docs/bench/other_synthesizers.sh writes one, scored whole; so does
# bin/hark synth, of which only the test split (testing_list.txt) is scored. MODEL_DIR defaults to the bundled model. Prints accuracy per
# voice and in all for both. Clips are padded with 0.3 s of silence for PocketSphinx, whose speech detector misses
# words that start at a clip's first sample. The en-us model is wideband (16 kHz): a voice recorded at 8 kHz
# (flite's kal) is outside what it was trained on.
# Needs pocketsphinx, pocketsphinx-en-us and sox (Debian: apt-get install pocketsphinx pocketsphinx-en-us sox).
set -euo pipefail
DATA="${1:?give a dataset folder (Speech Commands layout)}"
MODEL="${2:-model-export/models/keywords}"
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
AM=/usr/share/pocketsphinx/model/en-us
for tool in pocketsphinx_continuous sox; do
  command -v "$tool" >/dev/null || { echo "needs $tool: apt-get install pocketsphinx pocketsphinx-en-us sox" >&2; exit 1; }
done
[ -d "$AM/en-us" ] || { echo "needs the en-us acoustic model in $AM: apt-get install pocketsphinx-en-us" >&2; exit 1; }
KEYWORDS="yes no up down left right on off stop go"
TMP="$(mktemp -d)"; trap 'rm -rf "$TMP"' EXIT

printf '#JSGF V1.0;\ngrammar keywords;\npublic <keyword> = %s ;\n' "$(echo $KEYWORDS | sed 's/ / | /g')" > "$TMP/keywords.gram"
SPLIT=all
if [ -f "$DATA/testing_list.txt" ]; then # a training set: its test split only, as bin/hark evaluate scores it
  SPLIT=test
  grep -E "^($(echo $KEYWORDS | tr ' ' '|'))/" "$DATA/testing_list.txt" > "$TMP/clips.txt" || true
else
  for k in $KEYWORDS; do
    if [ -d "$DATA/$k" ]; then (cd "$DATA" && ls "$k"/*.wav); fi
  done > "$TMP/clips.txt"
fi
[ -s "$TMP/clips.txt" ] || { echo "no keyword clips (yes/*.wav, no/*.wav, ...) in $DATA" >&2; exit 1; }

decode() { # clip path relative to DATA -> "path|words"
  local padded="$TMP/$(echo "$1" | tr / _)"
  sox -R "$DATA/$1" "$padded" pad 0.3 0.3
  echo "$1|$(pocketsphinx_continuous -infile "$padded" -jsgf "$TMP/keywords.gram" -dict "$AM/cmudict-en-us.dict" \
    -hmm "$AM/en-us" -logfn /dev/null 2>/dev/null | tr '\n' ' ' | sed 's/ *$//')"
  rm -f "$padded"
}
export -f decode; export DATA TMP AM
xargs -P "$(nproc)" -I{} bash -c 'decode "$1"' _ {} < "$TMP/clips.txt" > "$TMP/pocketsphinx.txt"

"$ROOT/bin/hark" evaluate --model "$MODEL" --data "$DATA" --split "$SPLIT" --predictions "$TMP/hark.csv" > /dev/null

# Both tallies per voice; hark's answer is its likeliest keyword, read from the per-clip scores.
awk -F'|' -v keywords="$KEYWORDS" '
  FNR == NR { said[$1] = $2; next }
  FNR == 1 {
    for (i = 6; i <= NF; i++) column[$i] = i
    n = split(keywords, kw, " ")
    next
  }
  ($3 in column) && column[$3] && ($1 in said) {
    best = kw[1]
    for (i = 2; i <= n; i++) if ($(column[kw[i]]) + 0 > $(column[best]) + 0) best = kw[i]
    voice = $2 == "" ? "(none)" : $2
    clips[voice]++; all++
    if (best == $3) { hark[voice]++; harkAll++ }
    if (said[$1] == $3) { ps[voice]++; psAll++ }
  }
  END {
    printf "%-24s %6s %12s %12s\n", "voice", "clips", "hark", "pocketsphinx"
    for (v in clips) printf "%-24s %6d %12.3f %12.3f\n", v, clips[v], hark[v] / clips[v], ps[v] / clips[v] | "sort"
    close("sort")
    printf "%-24s %6d %12.3f %12.3f\n", "all", all, harkAll / all, psAll / all
  }' "$TMP/pocketsphinx.txt" FS=',' "$TMP/hark.csv"
