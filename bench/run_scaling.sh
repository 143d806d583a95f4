#!/usr/bin/env bash
# Input scaling (issue #16), wall time and peak RSS from /usr/bin/time:
#  1. parse + solve + print of a generated open network with many stations, in every format;
#  2. `tpeval eval` of the real-load model (Tab. 6-5) with its 12 transaction types repeated to
#     TYPES types, and with its 13 partitions split into PARTITIONS partitions (each run under
#     `timeout 300`; a timeout or a refusal is printed as such). The 20,000 types x partitions of
#     model/input_limits.hpp admit 1,538 of its types; with more than 1,666 partitions only its
#     first 2 types are kept.
#   bench/run_scaling.sh BUILD_DIR [STATIONS] [TYPES] [PARTITIONS]
set -euo pipefail
build=${1:-build}
stations=${2:-100000}
types=${3:-1500}
partitions=${4:-10000}
source_dir=$(cd "$(dirname "$0")/.." && pwd)
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
python3 "$(dirname "$0")/open_network.py" "$stations" >"$dir/net.json"
echo "network: $stations stations, $(du -h "$dir/net.json" | cut -f1)"
for format in json csv table; do
  /usr/bin/time -f "$format: %e s wall, %U s user, %S s sys, %M KiB peak RSS" \
    "$build/tpeval" solve "$dir/net.json" --format "$format" >/dev/null
done

# The real-load model with its types repeated (same mix per copy) or its partitions split (the
# records of each spread over its copies; every type references every copy): bench/scaling_models.py.
python3 "$(dirname "$0")/scaling_models.py" "$build/tpeval" "$dir" "$types" "$partitions"
mv "$dir/rl-types-$types.json" "$dir/types.json"
mv "$dir/parts-$partitions.json" "$dir/partitions.json"
for model in types partitions; do
  count=$([ "$model" = types ] && echo "$types" || echo "$partitions")
  /usr/bin/time -f "eval, $count $model: %e s wall, %U s user, %M KiB peak RSS" \
    timeout 300 "$build/tpeval" eval "$dir/$model.json" --format json >/dev/null ||
    echo "eval, $count $model: refused (exit 2) or no answer within 300 s (exit 124): exit $?"
done
