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
# records of each spread over its copies; every type references every copy).
python3 - "$source_dir/examples/models/real_load.json" "$types" "$partitions" "$dir" <<'PY'
import copy, json, sys
base_file, n_types, n_parts, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
base = json.load(open(base_file))
doc = copy.deepcopy(base)
types = doc["workload"]["transaction_types"]
doc["workload"]["transaction_types"] = [
    dict(copy.deepcopy(types[k % len(types)]), name=f"T{k}") for k in range(n_types)]
json.dump(doc, open(f"{out}/types.json", "w"))
doc = copy.deepcopy(base)
parts = doc["database"]["partitions"]
split = []
for k in range(n_parts):
    p = copy.deepcopy(parts[k % len(parts)])
    p.update(name=f"Q{k}", clustered_with=None,
             records=max(1.0, p["records"] * len(parts) / n_parts))
    split.append(p)
doc["database"]["partitions"] = split
if n_parts > 1666:
    doc["workload"]["transaction_types"] = doc["workload"]["transaction_types"][:2]
for t in doc["workload"]["transaction_types"]:
    t["reference_shares"] = {f"Q{k}": 1.0 + k % 5 for k in range(n_parts)}
    t.pop("update_shares", None)
json.dump(doc, open(f"{out}/partitions.json", "w"))
PY
for model in types partitions; do
  count=$([ "$model" = types ] && echo "$types" || echo "$partitions")
  /usr/bin/time -f "eval, $count $model: %e s wall, %U s user, %M KiB peak RSS" \
    timeout 300 "$build/tpeval" eval "$dir/$model.json" --format json >/dev/null ||
    echo "eval, $count $model: refused (exit 2) or no answer within 300 s (exit 124): exit $?"
done
