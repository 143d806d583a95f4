#!/usr/bin/env bash
# The main job: installs what is missing, builds tpeval, and evaluates the embedded default model
# (the Debit-Credit configuration of Rahm's Tab. 6-6). Extra arguments go to `tpeval eval`,
# e.g. scripts/run.sh --format json
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DTPEVAL_BUILD_TESTS=OFF >/dev/null
cmake --build build --target tpeval -j"$(nproc)" >/dev/null
exec ./build/tpeval eval "$@"
