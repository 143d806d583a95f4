#!/usr/bin/env bash
# Input scaling (issue #16): parse + solve + print of a generated open network with many stations,
# in every output format. Wall time and peak RSS from /usr/bin/time.
#   bench/run_scaling.sh BUILD_DIR [STATIONS]
set -euo pipefail
build=${1:-build}
stations=${2:-100000}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
python3 - "$stations" >"$dir/net.json" <<'PY'
import json, sys
n = int(sys.argv[1])
stations = [{"name": f"s{k}", "discipline": "fcfs"} for k in range(n)]
demands = {f"s{k}": 0.5 / n * (1 + k % 7) / 4 for k in range(n)}
print(json.dumps({"name": f"open-{n}", "stations": stations,
                  "classes": [{"name": "tx", "arrival_rate_per_s": 1.0, "demands_s": demands}]}))
PY
echo "network: $stations stations, $(du -h "$dir/net.json" | cut -f1)"
for format in json csv table; do
  /usr/bin/time -f "$format: %e s wall, %U s user, %S s sys, %M KiB peak RSS" \
    "$build/tpeval" solve "$dir/net.json" --format "$format" >/dev/null
done
