#!/usr/bin/env bash
# DES speed: tpeval's core against SimPy on the same M/M/1 queue (rho = 0.8, service rate 1), in
# the same run. Prints customers per second for both and the ratio (target >= 35x; the core target
# is >= 5 million customers/s single-threaded, peers-and-formulas.md §4).
# Usage: bench/run_des.sh [BUILD_DIR] [SIMPY_CUSTOMERS]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="${1:-$here/../build}"
customers="${2:-200000}"
bench="$build/bench/bench_des"
[[ -x "$bench" ]] || bench="$build/bench_des"
[[ -x "$bench" ]] || { echo "run_des.sh: $bench not found (configure with -DTPEVAL_BUILD_BENCH=ON and build bench_des)" >&2; exit 2; }
/usr/bin/python3 -c 'import importlib.util as u, sys; sys.exit(0 if (u.find_spec("simpy") or u.find_spec("SimPy")) else 1)' ||
  { echo "run_des.sh: SimPy missing: apt-get install python3-simpy" >&2; exit 2; }

json="$(mktemp)"
trap 'rm -f "$json"' EXIT
"$bench" --benchmark_filter='BM_MM1Core|BM_MM1Network|BM_CalendarHold/64' --benchmark_repetitions=3 \
  --benchmark_report_aggregates_only=true --benchmark_format=json >"$json" 2>/dev/null
simpy_line="$(/usr/bin/python3 "$here/peers/simpy_mm1.py" "$customers" 0.8)"

/usr/bin/python3 - "$json" "$simpy_line" <<'PY'
import json, sys
data = json.load(open(sys.argv[1]))
fig = {b["run_name"]: b["items_per_second"] for b in data["benchmarks"] if b.get("aggregate_name") == "median"}
fields = sys.argv[2].split()
simpy = dict(zip(fields[0::2], fields[1::2]))
simpy_rate = float(simpy["customers_per_s"])
core = fig["BM_MM1Core"]
net = fig["BM_MM1Network"]
ctx = data["context"]
print(f"machine: {ctx.get('num_cpus')} CPUs at {ctx.get('mhz_per_cpu')} MHz, date {ctx.get('date')}")
print(f"calendar hold (64 events pending): {fig['BM_CalendarHold/64'] / 1e6:8.2f} M events/s")
print(f"tpeval DES core, M/M/1 rho=0.8:    {core / 1e6:8.2f} M customers/s (target >= 5)")
print(f"tpeval simulate_network, M/M/1:    {net / 1e6:8.2f} M customers/s (routing + statistics + analysis)")
print(f"SimPy {simpy['simpy']}, M/M/1 rho=0.8:         {simpy_rate / 1e3:8.1f} k customers/s "
      f"({simpy['customers']} customers, mean response {simpy['mean_response_s']} s, exact 5)")
print(f"ratio core / SimPy:    {core / simpy_rate:8.0f}x (target >= 35x)")
print(f"ratio network / SimPy: {net / simpy_rate:8.0f}x")
PY
