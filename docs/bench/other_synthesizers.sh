#!/usr/bin/env bash
# A held-out test set from synthesizers the default model never heard (flite's five voices and festival's
# kal_diphone; the model is trained on espeak-ng only), in the Speech Commands test set's layout, for
#
#   docs/bench/other_synthesizers.sh OUT_DIR [more|final]
#   bin/hark evaluate --model model-export/models/keywords --data OUT_DIR
#
# With "more", two festival voices join: ked_diphone (another American man) and cmu_us_slt_arctic_hts (slt again,
# but made by a statistical parametric synthesizer rather than joined recordings). Three of the six default voices
# are one man, Kal (flite's kal and kal16, festival's kal_diphone), so the default set has four speakers in all.
# Needs festvox-kdlpc16k and festvox-us-slt-hts.
#
# With "final", the final test set of model-export/README.md, scored once per released model and never used to choose
# one: voices, speeds and a room that no set before it used. Festival's rab_diphone (a British man) and don_diphone (a
# minimal British voice), and flite's awb, rms and slt, each at stretches 0.75, 1.15 and 1.4 (the other sets: 0.85,
# 1.0, 1.25), every clip in a small reverberant room (sox reverb); the digits zero to nine as labels of their own,
# and twelve other words. Needs festvox-rablpc16k and festvox-don.
#
# Each keyword is spoken by each voice at three tempos; twelve other words (one tempo) go to _unknown_/ (a digit among
# them to its own folder, which a model without digit labels reads as _unknown_), and 20
# clips of quiet noise to _silence_/. Clips are 16 kHz mono, the synthesizer's whole output with its silences, at
# most 1 s (the loader pads them with a low noise floor, as it pads training clips). speakers.csv names the voice
# behind each speaker id, for per-voice accuracy.
# sox runs repeatable (-R: fixed seeds for dither and noise), so the same packages write the same files.
# Needs flite, festival, festvox-kallpc16k, sox (Debian: apt-get install flite festival festvox-kallpc16k sox).
set -euo pipefail
OUT="${1:?give an output folder}"
VOICES="kal kal16 awb rms slt festival"
STRETCHES="0.85 1.0 1.25"
KEYWORDS="yes no up down left right on off stop go"
OTHERS="bed bird cat dog happy house tree wow zero five learn yellow"
ROOM=""
if [ "${2:-}" = more ]; then
  VOICES="$VOICES festival-ked festival-slt-hts"
elif [ "${2:-}" = final ]; then
  VOICES="festival-rab festival-don awb rms slt"
  STRETCHES="0.75 1.15 1.4"
  KEYWORDS="$KEYWORDS zero one two three four five six seven eight nine"
  OTHERS="bed bird cat dog happy house tree wow learn yellow marvin sheila"
  ROOM="gain -6 reverb 35 50 30"
elif [ -n "${2:-}" ]; then
  echo "unknown option '$2': 'more' (adds festival's ked_diphone and slt HTS voices) or 'final'" >&2; exit 2
fi
for tool in flite text2wave sox soxi; do
  command -v "$tool" >/dev/null || { echo "needs $tool: apt-get install flite festival sox" >&2; exit 1; }
done
mkdir -p "$OUT"
TMP="$(mktemp -d)"; trap 'rm -rf "$TMP"' EXIT
# A festival voice that is not installed makes text2wave print an error and write nothing: check them all first.
for voice in $VOICES; do
  case "$voice" in
    festival) select=voice_kal_diphone; package=festvox-kallpc16k ;;
    festival-ked) select=voice_ked_diphone; package=festvox-kdlpc16k ;;
    festival-slt-hts) select=voice_cmu_us_slt_arctic_hts; package=festvox-us-slt-hts ;;
    festival-rab) select=voice_rab_diphone; package=festvox-rablpc16k ;;
    festival-don) select=voice_don_diphone; package=festvox-don ;;
    *) continue ;;
  esac
  echo check > "$TMP/w.txt"
  if ! text2wave -eval "($select)" -o "$TMP/check.wav" "$TMP/w.txt" >/dev/null 2>&1 || [ ! -s "$TMP/check.wav" ]; then
    echo "festival has no $select: apt-get install $package" >&2; exit 1
  fi
  rm -f "$TMP/check.wav"
done
echo "speaker,voice,variant" > "$OUT/speakers.csv"

clip() { # in.wav label speaker index: resample and normalize; only a clip over 1 s loses its silences and its ends
  # The words keep the synthesizer's own silences and their quiet ends: trimming every clip at 0.5% of full scale
  # (until 2026-12-02) cut 10-135 ms of sound within 40 dB of a clip's loudest part, the decay and release of the
  # last sound, and scored the default model (v7) 0.840 where the whole output scores 0.876.
  local d out="$OUT/$2/$3_nohash_$4.wav"
  mkdir -p "$OUT/$2"
  # shellcheck disable=SC2086 # ROOM is a sox effect and its arguments, or nothing
  sox -R "$1" -r 16000 -c 1 -b 16 "$TMP/r.wav" $ROOM norm -3
  d="$(soxi -D "$TMP/r.wav")"
  if awk -v d="$d" 'BEGIN {exit !(d > 1)}'; then
    # shellcheck disable=SC2086
    sox -R "$1" -r 16000 -c 1 -b 16 "$TMP/r.wav" $ROOM norm -3 silence 1 0.01 0.1% reverse silence 1 0.01 0.1% reverse
    d="$(soxi -D "$TMP/r.wav")"
  fi
  if awk -v d="$d" 'BEGIN {exit !(d > 1)}'; then
    sox -R "$TMP/r.wav" "$out" trim "$(awk -v d="$d" 'BEGIN {printf "%.3f", (d - 1) / 2}')" 1
  else
    cp "$TMP/r.wav" "$out"
  fi
}

n=0
for voice in $VOICES; do
  case "$voice" in
    festival) name=festival-kal_diphone; select="(voice_kal_diphone)" ;;
    festival-ked) name=festival-ked_diphone; select="(voice_ked_diphone)" ;;
    festival-slt-hts) name=festival-slt_hts; select="(voice_cmu_us_slt_arctic_hts)" ;;
    festival-rab) name=festival-rab_diphone; select="(voice_rab_diphone)" ;;
    festival-don) name=festival-don_diphone; select="(voice_don_diphone)" ;;
    *) name="flite-$voice" ;;
  esac
  middle=$(echo $STRETCHES | cut -d' ' -f2)
  for stretch in $STRETCHES; do
    speaker="$voice-s${stretch/./}"
    echo "$speaker,$name,stretch $stretch${ROOM:+ in a room}" >> "$OUT/speakers.csv"
    words="$KEYWORDS"; [ "$stretch" = "$middle" ] && words="$KEYWORDS $OTHERS"
    for word in $words; do
      if [[ "$voice" == festival* ]]; then
        echo "$word" > "$TMP/w.txt"
        tempo="(Parameter.set 'Duration_Stretch $stretch)"
        if [[ "$voice" == *-hts ]]; then # HTS ignores Duration_Stretch: its engine's speech rate (-r) is the inverse
          tempo="(set! hts_engine_params (append hts_engine_params (list (list \"-r\" $(awk -v s="$stretch" 'BEGIN {printf "%.4f", 1 / s}')))))"
        fi
        rm -f "$TMP/s.wav"
        text2wave -eval "$select" -eval "$tempo" -o "$TMP/s.wav" "$TMP/w.txt" 2>/dev/null
        [ -s "$TMP/s.wav" ] || { echo "festival wrote nothing for '$word' with $select" >&2; exit 1; }
      else
        rm -f "$TMP/s.wav"
        flite -voice "$voice" --setf duration_stretch="$stretch" -t "$word" -o "$TMP/s.wav"
      fi
      # A digit keeps its own folder whatever the set: a model without digit labels reads it as _unknown_, one with
      # them as the digit.
      label="$word"; case " $KEYWORDS zero one two three four five six seven eight nine " in *" $word "*) ;; *) label=_unknown_ ;; esac
      clip "$TMP/s.wav" "$label" "$speaker" "$n"; n=$((n + 1))
    done
  done
done
mkdir -p "$OUT/_silence_"
for i in $(seq 0 19); do
  sox -R -n -r 16000 -c 1 -b 16 "$OUT/_silence_/noise_nohash_${i}.wav" synth 1 "$([ $((i % 2)) = 0 ] && echo whitenoise || echo pinknoise)" vol "0.00$((i % 9 + 1))"
done
echo "$n spoken clips and 20 of silence in $OUT"
