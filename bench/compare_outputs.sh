#!/usr/bin/env bash
# Byte-for-byte comparison of two tpeval binaries' analytic outputs (issue #16: the streaming
# JSON writer and the maximum-throughput search must not change a byte):
#   bench/compare_outputs.sh BASE_TPEVAL NEW_TPEVAL [EXTRA_MODEL.json ...]
# eval in every format on the examples, the default, page-locked HISTORY, the 5-node cluster, the
# real load at 50..300 TPS and closed workloads; whatif sweeps and compares; every study in
# analytic mode as CSV; eval --format json of each EXTRA_MODEL. Prints one line per difference
# and the count; exit 1 when any output differs. With COMPARE_REL_TOL set (e.g. 1e-12), outputs
# whose numbers differ by at most that relative amount and are otherwise equal count as "equal
# within tolerance" (bench/numeric_diff.py; a refactor that reorders floating-point operations)
# and are counted apart.
set -uo pipefail
base=$1
new=$2
shift 2
source_dir=$(cd "$(dirname "$0")/.." && pwd)
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cases=0
diffs=0
within=0

# compare NAME ARGS...: runs both binaries (stdout and exit code) and compares.
compare() {
  local name=$1
  shift
  (cd "$dir" && "$base" "$@" >"$dir/base.out" 2>"$dir/base.err")
  local base_rc=$?
  (cd "$dir" && "$new" "$@" >"$dir/new.out" 2>"$dir/new.err")
  local new_rc=$?
  cases=$((cases + 1))
  # (a study's stderr says how long it took: not compared)
  if [ "$base_rc" != "$new_rc" ] || ! cmp -s "$dir/base.out" "$dir/new.out" ||
    { [ "${name#study}" = "$name" ] && ! cmp -s "$dir/base.err" "$dir/new.err"; }; then
    if [ -n "${COMPARE_REL_TOL:-}" ] && [ "$base_rc" = "$new_rc" ] &&
      python3 "$source_dir/bench/numeric_diff.py" "$dir/base.out" "$dir/new.out" "$COMPARE_REL_TOL" >"$dir/num" &&
      { [ "${name#study}" != "$name" ] ||
        python3 "$source_dir/bench/numeric_diff.py" "$dir/base.err" "$dir/new.err" "$COMPARE_REL_TOL" >/dev/null; }; then
      within=$((within + 1))
      echo "WITHIN TOLERANCE: $name$(cat "$dir/num")"
      return
    fi
    diffs=$((diffs + 1))
    echo "DIFFERS: $name (exit $base_rc vs $new_rc)"
    diff "$dir/base.out" "$dir/new.out" | head -6
  fi
}

examples=("$source_dir"/examples/models/*.json)
cluster="$source_dir/examples/models/debit_credit_cluster.json"
real="$source_dir/examples/models/real_load.json"
closed=(--set workload.arrival_rate_per_s=null --set workload.think_time_ms=10000)
for format in json table csv; do
  for model in "${examples[@]}"; do compare "eval $(basename "$model") $format" eval "$model" --format "$format"; done
  compare "eval default $format" eval --format "$format"
  compare "eval page-locked HISTORY $format" eval --set 'database.partitions[HISTORY].lock_granularity=page' --format "$format"
  for rate in 30 100 140; do
    compare "eval page-locked HISTORY at $rate $format" eval --set 'database.partitions[HISTORY].lock_granularity=page' \
      --set workload.arrival_rate_per_s=$rate --format "$format"
  done
  compare "eval 5-node cluster $format" eval "$cluster" --set cluster.nodes=5 --format "$format"
  for rate in 50 100 150 200 250 300; do
    compare "eval real load at $rate $format" eval "$real" --set workload.arrival_rate_per_s=$rate --format "$format"
  done
  for terminals in 50 200 1000 3000; do
    compare "eval $terminals terminals $format" eval "${closed[@]}" --set workload.terminals=$terminals --format "$format"
  done
  compare "eval MPL 1 $format" eval --set policies.mpl=1 --set workload.arrival_rate_per_s=15 --format "$format"
  compare "whatif sweep $format" whatif --sweep workload.arrival_rate_per_s=50:400:50 --format "$format"
  compare "whatif compare $format" whatif --compare 'page: database.partitions[HISTORY].lock_granularity=page' \
    --compare 'mpl: policies.mpl=5' --format "$format"
  compare "whatif cluster sweep $format" whatif "$cluster" --sweep cluster.nodes=1:6:1 --format "$format"
  compare "whatif closed sweep $format" whatif "${closed[@]}" --sweep workload.terminals=200:2000:600 --format "$format"
  compare "whatif goal $format" whatif --goal 'response_time_ms<=100' --format "$format"
done
for study in "$source_dir"/studies/*.json; do
  compare "study $(basename "$study")" study "$study" --mode analytic --format csv --fresh --out "$dir/study-out" --force
done
for model in "$@"; do compare "eval $(basename "$model") json" eval "$model" --format json; done
echo "$cases cases, $diffs differ${COMPARE_REL_TOL:+, $within equal within relative $COMPARE_REL_TOL}"
[ "$diffs" = 0 ]
