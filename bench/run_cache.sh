#!/usr/bin/env bash
# Runs the reference Python Che script (che.py, ch6-5.md A9) and `tpeval cache` on the same
# Debit-Credit buffer, printing both HS hit ratios and wall times, then the cache benchmarks.
# Usage: bench/run_cache.sh [BUILD_DIR]   (default: build)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$root/build}"
script="$root/../shared/reference/scripts/che.py"
echo "== peer: che.py (Python, bisection) =="
start=$(date +%s.%N); python3 "$script" | head -10; end=$(date +%s.%N)
echo "che.py wall time: $(echo "$end - $start" | bc) s"
echo "== tpeval cache (Che, Newton) =="
start=$(date +%s.%N)
for c in 200 500 700 1000 1200 1500 2000 2500 3000 5000; do
  printf '%s ' "$c"
  "$build/tpeval" cache --class 500:0.002:1 --repeat 1:1 --class 5000000:2e-7:1 \
    --sequential 1:20:1 --buffer "$c" --format json |
    python3 -c 'import json,sys; print(round(100*json.load(sys.stdin)["level1_hit_ratio"],2))'
done
end=$(date +%s.%N)
echo "tpeval wall time (10 processes): $(echo "$end - $start" | bc) s"
echo "== bench_cache =="
"$build/bench/bench_cache" --benchmark_min_time=0.5
