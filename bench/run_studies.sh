#!/usr/bin/env bash
# Times the studies of Rahm 1993: the six of Sect. 6.5 (one node) and the seven of Sect. 7.6
# (studies/cluster_*.json, several nodes), each chapter separately: the analytic part (target:
# <= 10 s per chapter on the 2-core VM), and with --sim also the simulated part (mode both;
# targets: <= 10 minutes for Sect. 6.5, <= 15 minutes for Sect. 7.6, using both cores). Every
# point is recomputed (--fresh); results go to a temporary directory.
# Usage: bench/run_studies.sh [--sim] [--jobs N] [--chapter 6|7]
#   TPEVAL=/path/to/tpeval  (default: build/tpeval)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tpeval=${TPEVAL:-$root/build/tpeval}
sim=0
jobs=$(nproc)
chapters=(6 7)
while [ $# -gt 0 ]; do
  case "$1" in
    --sim) sim=1 ;;
    --jobs) jobs=$2; shift ;;
    --chapter) chapters=("$2"); shift ;;
    *) echo "run_studies.sh: unknown option '$1'" >&2; exit 2 ;;
  esac
  shift
done
[ -x "$tpeval" ] || { echo "run_studies.sh: $tpeval not found (set TPEVAL)" >&2; exit 2; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
ch6=(log_allocation db_allocation force_noforce multilevel_buffering real_load lock_conflicts)
ch7=(cluster_routing cluster_buffer cluster_bt_allocation cluster_locking cluster_throughput
  cluster_real_load cluster_real_load_buffer cluster_cost_estimates)

run_all() {  # mode chapter
  local mode=$1 chapter=$2 points=0 start end studies
  if [ "$chapter" = 6 ]; then studies=("${ch6[@]}"); else studies=("${ch7[@]}"); fi
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
  printf '%s part of the %d studies of Sect. %s: %d points in %.2f s (--jobs %s, %s cores)\n' \
    "$mode" "${#studies[@]}" "$([ "$chapter" = 6 ] && echo 6.5 || echo 7.6)" "$points" \
    "$(echo "$end - $start" | bc)" "$jobs" "$(nproc)"
}

echo "tpeval studies benchmark, $(date -u +%Y-%m-%d), $(nproc) cores"
for c in "${chapters[@]}"; do
  run_all analytic "$c"
  if [ "$sim" -eq 1 ]; then run_all both "$c"; fi
done
