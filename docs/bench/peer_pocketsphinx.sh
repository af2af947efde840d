#!/usr/bin/env bash
# A peer trained on recorded people, side by side with a hark model on the same clips: CMU PocketSphinx (Debian's
# pocketsphinx and its en-us acoustic model, a continuous-density HMM trained on read speech) restricted by a grammar
# to the ten keywords, against the hark model's likeliest of the same ten keywords. Closed set on both sides:
# PocketSphinx here has no _unknown_ or _silence_, so only keyword clips are scored, and neither may answer anything
# else.
#
#   docs/bench/peer_pocketsphinx.sh [--open] DATA_DIR [MODEL_DIR]
#
# --open scores the twelve-way task instead, every clip, as bin/hark evaluate does: PocketSphinx decodes with its
# general English language model and dictionary (no grammar), and its answer is the first keyword among the words
# it hears, _silence_ if it hears none, _unknown_ otherwise; hark's answer is its own prediction.
#
# DATA_DIR in the Speech Commands layout: docs/bench/other_synthesizers.sh writes one, scored whole; so does
# bin/hark synth, of which only the test split (testing_list.txt) is scored. MODEL_DIR defaults to the bundled model. Prints accuracy per
# voice and in all for both. Clips are padded with 0.3 s of silence for PocketSphinx, whose speech detector misses
# words that start at a clip's first sample. The en-us model is wideband (16 kHz): a voice recorded at 8 kHz
# (flite's kal) is outside what it was trained on.
# Needs pocketsphinx, pocketsphinx-en-us and sox (Debian: apt-get install pocketsphinx pocketsphinx-en-us sox).
set -euo pipefail
OPEN=no
if [ "${1:-}" = --open ]; then OPEN=yes; shift; fi
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
  grep -v '^_background_noise_/' "$DATA/testing_list.txt" > "$TMP/all.txt" || true
else
  (cd "$DATA" && find . -name '*.wav' ! -path './_background_noise_/*' | sed 's#^\./##' | sort) > "$TMP/all.txt"
fi
if [ "$OPEN" = yes ]; then
  cp "$TMP/all.txt" "$TMP/clips.txt"
  DECODER=(-lm "$AM/en-us.lm.bin")
else
  grep -E "^($(echo $KEYWORDS | tr ' ' '|'))/" "$TMP/all.txt" > "$TMP/clips.txt" || true
  DECODER=(-jsgf "$TMP/keywords.gram")
fi
[ -s "$TMP/clips.txt" ] || { echo "no clips to score in $DATA" >&2; exit 1; }

decode() { # clip path relative to DATA -> "path|words"
  local padded="$TMP/$(echo "$1" | tr / _)"
  sox -R "$DATA/$1" "$padded" pad 0.3 0.3
  echo "$1|$(pocketsphinx_continuous -infile "$padded" $DECODER_ARGS -dict "$AM/cmudict-en-us.dict" \
    -hmm "$AM/en-us" -logfn /dev/null 2>/dev/null | tr '\n' ' ' | sed 's/ *$//')"
  rm -f "$padded"
}
DECODER_ARGS="${DECODER[*]}" # paths without spaces: mktemp's and Debian's
export -f decode; export DATA TMP AM DECODER_ARGS
xargs -P "$(nproc)" -I{} bash -c 'decode "$1"' _ {} < "$TMP/clips.txt" > "$TMP/pocketsphinx.txt"

"$ROOT/bin/hark" evaluate --model "$MODEL" --data "$DATA" --split "$SPLIT" --predictions "$TMP/hark.csv" > /dev/null

# Both tallies per voice. Closed set: hark's answer is its likeliest keyword, read from the per-clip scores. Open:
# each side's twelve-way answer, the truth being the folder for a keyword or _silence_, else _unknown_.
awk -F'|' -v keywords="$KEYWORDS" -v open="$OPEN" '
  FNR == NR { said[$1] = $2; next }
  FNR == 1 {
    for (i = 6; i <= NF; i++) column[$i] = i
    n = split(keywords, kw, " ")
    for (i = 1; i <= n; i++) isKeyword[kw[i]] = 1
    next
  }
  !($1 in said) { next }
  open == "yes" {
    truth = (isKeyword[$3] || $3 == "_silence_") ? $3 : "_unknown_"
    mine = $4
    m = split(said[$1], words, " ")
    theirs = m == 0 ? "_silence_" : "_unknown_"
    for (i = 1; i <= m; i++) if (isKeyword[words[i]]) { theirs = words[i]; break }
  }
  open != "yes" {
    if (!isKeyword[$3]) next
    truth = $3; theirs = said[$1]
    mine = kw[1]
    for (i = 2; i <= n; i++) if ($(column[kw[i]]) + 0 > $(column[mine]) + 0) mine = kw[i]
  }
  {
    voice = $2 == "" ? "(none)" : $2
    clips[voice]++; all++
    if (mine == truth) { hark[voice]++; harkAll++ }
    if (theirs == truth) { ps[voice]++; psAll++ }
  }
  END {
    printf "%-24s %6s %12s %12s\n", "voice", "clips", "hark", "pocketsphinx"
    for (v in clips) printf "%-24s %6d %12.3f %12.3f\n", v, clips[v], hark[v] / clips[v], ps[v] / clips[v] | "sort"
    close("sort")
    printf "%-24s %6d %12.3f %12.3f\n", "all", all, harkAll / all, psAll / all
  }' "$TMP/pocketsphinx.txt" FS=',' "$TMP/hark.csv"
