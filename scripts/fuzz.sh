#!/usr/bin/env bash
# Runs the libFuzzer harnesses (fuzz/targets.hpp) for a bounded time each.
#   scripts/fuzz.sh [BUILD_DIR] [SECONDS_PER_TARGET] [TARGET...]
# BUILD_DIR (default build-fuzz) is configured and built here with clang++, ASan+UBSan and
# -DTPEVAL_FUZZ=ON unless it already holds the harnesses. The corpus starts from the seeds:
# examples/networks, examples/models, studies/, the default model, fuzz/seeds/ and
# fuzz/regressions/. A finding stops with exit code 1; its input is in BUILD_DIR/fuzz-findings/.
# Minimise it (fuzz_<target> -minimize_crash=1 FILE), fix the bug, and add the input to
# fuzz/regressions/<target>/, which tests/fuzz/replay_test.cpp replays in every test run.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-fuzz}
seconds=${2:-60}
shift $(( $# > 2 ? 2 : $# ))
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(network model study set cache locks)

if [ ! -x "$build/fuzz/fuzz_network" ]; then
  CXX=clang++ cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS="-O1" \
    -DTPEVAL_SANITIZE=ON -DTPEVAL_FUZZ=ON -DTPEVAL_BUILD_TESTS=OFF >/dev/null
fi
cmake --build "$build" -j"$(nproc)" --target $(printf 'fuzz_%s ' "${targets[@]}")

corpus="$build/fuzz-corpus"
findings="$build/fuzz-findings"
# FUZZ_FRESH=1 starts from the seeds alone (scripts/test.sh and CI): with FUZZ_SEED fixed, the run
# then follows the same mutation sequence on every machine, so CI's run is the prefix of a longer
# local run with the same seed. Without it the corpus grows across runs (deeper local campaigns).
if [ "${FUZZ_FRESH:-0}" = 1 ]; then rm -rf "$corpus"; fi
mkdir -p "$findings"
seed() {  # seed TARGET FILES...
  local dir="$corpus/$1"; shift
  mkdir -p "$dir"
  for f in "$@"; do [ -f "$f" ] && cp "$f" "$dir/" || true; done
}
seed network examples/networks/*.json fuzz/seeds/network/* fuzz/regressions/network/*
seed model examples/models/*.json fuzz/seeds/model/* fuzz/regressions/model/*
seed study studies/*.json fuzz/seeds/study/* fuzz/regressions/study/*
seed set fuzz/seeds/set/* fuzz/regressions/set/*
seed cache fuzz/seeds/cache/* fuzz/regressions/cache/*
seed locks fuzz/seeds/locks/* fuzz/regressions/locks/*
if [ -x "$build/tpeval" ]; then "$build/tpeval" model --print-default >"$corpus/model/default.json"; fi

# FUZZ_SEED fixes libFuzzer's mutation sequence (CI sets 1, so a run is reproducible); 0 = random.
seed=${FUZZ_SEED:-0}
status=0
for t in "${targets[@]}"; do
  echo "== fuzz_$t: ${seconds} s =="
  # -timeout: one input may take 10 s at most (the documented cost limits keep every input
  # well below); -rss_limit_mb: likewise for memory. Both are findings when exceeded.
  if ! ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=0 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "$build/fuzz/fuzz_$t" "$corpus/$t" -max_total_time="$seconds" -timeout=10 -seed="$seed" \
      -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
      -artifact_prefix="$findings/$t-" 2>"$build/fuzz-$t.log"; then
    echo "fuzz_$t: FINDING (see $build/fuzz-$t.log and $findings/)" >&2
    tail -40 "$build/fuzz-$t.log" >&2
    status=1
  else
    grep -E "^stat::number_of_executed_units|^#[0-9]+.*DONE" "$build/fuzz-$t.log" | tail -2 || true
  fi
done
exit $status
