#!/usr/bin/env bash
# The whole test suite: installs what is missing, then
#  1. builds with clang++ and -fsanitize=address,undefined (plus the libFuzzer harnesses) and runs
#     every test under it except the long statistical ones listed in tests/CMakeLists.txt
#     (TPEVAL_RELEASE_ONLY_TESTS: ctest lists them as "Disabled"), then runs each fuzz harness for
#     25 s (scripts/fuzz.sh; ~2.5 min);
#  2. builds the release configuration with g++ (warnings are errors) and runs every test.
# ctest's closing summary is the release run's: it lists every test case (doctest cases are
# registered with ctest one by one).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --notebooks
jobs=$(nproc)

echo "== sanitizer build (clang++, address + undefined) =="
CXX=clang++ cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS="-O1" \
  -DTPEVAL_SANITIZE=ON -DTPEVAL_FUZZ=ON -DTPEVAL_WERROR=ON -DTPEVAL_BUILD_TESTS=ON >/dev/null
cmake --build build-asan -j"$jobs"
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build-asan --output-on-failure -j"$jobs"
echo "== fuzzing (libFuzzer, ASan+UBSan, 25 s per harness) =="
FUZZ_SEED=1 FUZZ_FRESH=1 scripts/fuzz.sh build-asan 25

echo "== release build (g++) =="
CXX=g++ cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DTPEVAL_WERROR=ON -DTPEVAL_BUILD_TESTS=ON >/dev/null
cmake --build build -j"$jobs"
ctest --test-dir build --output-on-failure -j"$jobs"
