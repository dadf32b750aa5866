#!/usr/bin/env bash
# Alternating pairs: runs bench/run.sh with the system jar A, then B, then A again..., N pairs,
# and prints every run's system lines, the median of each jar's S3 rate and each pair's ratio.
# On a shared machine the same jar can move by 20 % or more from one run to the next, and the
# drift is slow: only alternating pairs compare two builds. Each run writes its results as
# run.sh does (bench/results/<timestamp>.{json,csv}); this script only starts run.sh, one run
# at a time, and stops nothing itself.
#
#   bench/ab.sh before.jar after.jar                         # 3 pairs of S3 (~11 min)
#   bench/ab.sh --pairs 5 before.jar after.jar -- --scenarios s3 --no-socketio -- --s3-warmup-seconds 60
#
# Options:
#   --pairs N    pairs to run (default 3)
#   -- ARGS      run.sh's arguments (default: --scenarios s3 --no-socketio -- --s3-warmup-seconds 25)
# Environment: as run.sh's (SERVER_JAVA_OPTS, CHAT_STORE, ...), the same for both jars.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
pairs=3
while [[ $# -gt 0 && "$1" == --* && "$1" != -- ]]; do
  case "$1" in
    --pairs) pairs="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
if [[ $# -lt 2 ]]; then
  echo "usage: bench/ab.sh [--pairs N] JAR_A JAR_B [-- run.sh arguments]" >&2
  exit 2
fi
jar_a="$(realpath "$1")"
jar_b="$(realpath "$2")"
shift 2
for jar in "$jar_a" "$jar_b"; do
  [[ -f "$jar" ]] || { echo "no such jar: $jar" >&2; exit 2; }
done
if [[ $# -gt 0 && "$1" == -- ]]; then
  shift
  run_args=("$@")
else
  run_args=(--scenarios s3 --no-socketio -- --s3-warmup-seconds 25)
fi

logs="$(mktemp -d /tmp/chatbus-ab.XXXXXX)"
rates_a=()
rates_b=()

# One run of run.sh with this jar; prints its system lines; echoes its S3 rate (msgs/s) last.
one_run() {
  local label="$1" jar="$2" n="$3"
  local log="$logs/$label-$n.log"
  SYSTEM_JAR="$jar" "$here/run.sh" "${run_args[@]}" > "$log" 2>&1 || {
    echo "$label #$n: run.sh failed, see $log" >&2
    exit 1
  }
  grep -o '[A-Z][0-9]* system: .*' "$log" | sed "s/^/$label #$n: /" >&2
  grep -o 'results written to .*' "$log" | sed "s/^/$label #$n: /" >&2
  grep -o 'S3 system: [0-9,]* msg/s' "$log" | head -n1 | awk '{gsub(",", "", $3); print $3}'
}

median() {
  printf '%s\n' "$@" | sort -n | awk '{v[NR] = $1} END {if (NR == 0) print "-"; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.0f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2}'
}

echo "A: $jar_a" >&2
echo "B: $jar_b" >&2
echo "run.sh ${run_args[*]}; $pairs pairs; logs in $logs" >&2
for i in $(seq 1 "$pairs"); do
  a="$(one_run A "$jar_a" "$i")"
  b="$(one_run B "$jar_b" "$i")"
  if [[ -n "$a" && -n "$b" ]]; then
    rates_a+=("$a")
    rates_b+=("$b")
    echo "pair $i: S3 A $a, B $b msgs/s, B/A $(awk -v a="$a" -v b="$b" 'BEGIN {printf "%.2f", b / a}')"
  fi
done
if [[ ${#rates_a[@]} -gt 0 ]]; then
  med_a="$(median "${rates_a[@]}")"
  med_b="$(median "${rates_b[@]}")"
  echo "S3 medians: A $med_a, B $med_b msgs/s, B/A $(awk -v a="$med_a" -v b="$med_b" 'BEGIN {printf "%.2f", b / a}')"
fi
