#!/usr/bin/env bash
# Runs the peer (GNU Octave queueing qncmmva) and our exact multi-class MVA on the same model,
# 3 classes x 30 jobs x 10 stations (bench/peers/octave_mva_peer.m), and prints both times, then
# the rest of our MVA benchmarks. Usage: bench/run_mva.sh [build-dir]  (default: build)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="${1:-$here/../build}"
bench="$build/bench/bench_mva"
[[ -x "$bench" ]] || { echo "run_mva.sh: $bench not built (cmake -DTPEVAL_BUILD_BENCH=ON, target bench_mva)" >&2; exit 2; }
echo "machine: $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ)"
echo "== peer: GNU Octave $(octave-cli --version | head -1 | awk '{print $NF}'), queueing package"
# (qncmmva prints a deprecation warning for '.+' under Octave 7; only the result line is kept.)
octave-cli --quiet --no-gui --eval "run('$here/peers/octave_mva_peer.m')" 2>&1 | grep "^octave qncmmva"
echo "== ours: tpeval exact multi-class MVA (same model; X_c* counters are class throughputs)"
"$bench" --benchmark_filter='BM_exact_multi_C3_N30_M10' --benchmark_repetitions=5 \
  --benchmark_report_aggregates_only=true 2>/dev/null | grep -E "Benchmark|BM_"
echo "== ours: all MVA targets"
"$bench" 2>/dev/null | grep -E "Benchmark|BM_"
