#!/usr/bin/env bash
# Byte-for-byte comparison of two tpeval binaries' analytic outputs (issue #16: a change to the
# lock model's iteration must not change any verdict or printed value):
#   bench/compare_eval_outputs.sh OLD_TPEVAL NEW_TPEVAL
# `eval --format json` of examples/models/*.json, the default model, page-locked HISTORY, the
# 5-node cluster, the real load at 50..300 TPS, closed workloads (500/2,000/5,000 terminals) and
# `study S --mode analytic --format csv` of every study in studies/. Prints each differing case
# and exits 1 if any differs.
set -uo pipefail
old=$1
new=$2
source_dir=$(cd "$(dirname "$0")/.." && pwd)
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cases=0
diffs=0
run() {  # name, then the arguments after the binary
  local name=$1
  shift
  cases=$((cases + 1))
  "$old" "$@" >"$dir/old" 2>&1
  local old_rc=$?
  "$new" "$@" >"$dir/new" 2>&1
  local new_rc=$?
  if [ "$old_rc" != "$new_rc" ] || ! cmp -s "$dir/old" "$dir/new"; then
    echo "DIFFERS: $name (exit $old_rc / $new_rc)"
    diffs=$((diffs + 1))
  fi
}
cd "$source_dir"
for f in examples/models/*.json; do run "$f" eval "$f" --format json; done
run default eval --format json
run history-page eval --set 'database.partitions[HISTORY].lock_granularity=page' --format json
run cluster-5 eval examples/models/debit_credit_cluster.json --set cluster.nodes=5 --format json
for tps in 50 100 150 200 250 300; do
  run "real-load-$tps" eval examples/models/real_load.json \
    --set "workload.arrival_rate_per_s=$tps" --format json
done
for model in "" examples/models/lock_experiment.json examples/models/real_load.json examples/models/debit_credit_cluster.json; do
  for n in 500 2000 5000; do
    run "closed-$n-${model:-default}" eval $model --set workload.arrival_rate_per_s=null \
      --set "workload.terminals=$n" --set workload.think_time_ms=10000 --format json
  done
done
# Each study into a fresh directory of its own (no journal reused); the summary line on stderr
# carries a run time, so only stdout (results.csv) is compared.
study() {
  local s=$1
  cases=$((cases + 1))
  "$old" study "$s" --mode analytic --format csv --fresh --jobs 1 --out "$dir/old-study" \
    >"$dir/old" 2>/dev/null
  local old_rc=$?
  "$new" study "$s" --mode analytic --format csv --fresh --jobs 1 --out "$dir/new-study" \
    >"$dir/new" 2>/dev/null
  local new_rc=$?
  rm -rf "$dir/old-study" "$dir/new-study"
  if [ "$old_rc" != "$new_rc" ] || ! cmp -s "$dir/old" "$dir/new"; then
    echo "DIFFERS: $s (exit $old_rc / $new_rc)"
    diffs=$((diffs + 1))
  fi
  lines=$((lines + $(wc -l <"$dir/new")))
}
lines=0
for s in studies/*.json; do study "$s"; done
echo "study CSV lines compared: $lines"
echo "$cases cases, $diffs differ"
[ "$diffs" = 0 ]
