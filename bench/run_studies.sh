#!/usr/bin/env bash
# Times the six studies of Rahm 1993 Sect. 6.5 (studies/*.json): the analytic part of all of them
# (target: <= 10 s on the 2-core VM), and with --sim also the simulated part (mode both; target:
# <= 10 minutes using both cores). Every point is recomputed (--fresh); results go to a temporary
# directory. Usage: bench/run_studies.sh [--sim] [--jobs N]
#   TPEVAL=/path/to/tpeval  (default: build/tpeval)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tpeval=${TPEVAL:-$root/build/tpeval}
sim=0
jobs=$(nproc)
while [ $# -gt 0 ]; do
  case "$1" in
    --sim) sim=1 ;;
    --jobs) jobs=$2; shift ;;
    *) echo "run_studies.sh: unknown option '$1'" >&2; exit 2 ;;
  esac
  shift
done
[ -x "$tpeval" ] || { echo "run_studies.sh: $tpeval not found (set TPEVAL)" >&2; exit 2; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
studies=(log_allocation db_allocation force_noforce multilevel_buffering real_load lock_conflicts)

run_all() {  # mode
  local mode=$1 points=0 start end
  start=$(date +%s.%N)
  for s in "${studies[@]}"; do
    set +e
    "$tpeval" study "$root/studies/$s.json" --mode "$mode" --jobs "$jobs" --fresh --out "$out/$mode/$s" >"$out/$s.log" 2>&1
    local rc=$?
    set -e
    [ "$rc" -le 1 ] || { cat "$out/$s.log" >&2; exit 2; }
    local line
    line=$(tail -1 "$out/$s.log")
    points=$((points + ${line%% *}))
    printf '  %-22s %s\n' "$s" "$line"
  done
  end=$(date +%s.%N)
  printf '%s part of all six studies: %d points in %.2f s (--jobs %s, %s cores)\n' \
    "$mode" "$points" "$(echo "$end - $start" | bc)" "$jobs" "$(nproc)"
}

echo "tpeval studies benchmark, $(date -u +%Y-%m-%d), $(nproc) cores"
run_all analytic
if [ "$sim" -eq 1 ]; then run_all both; fi
