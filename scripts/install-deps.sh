#!/usr/bin/env bash
# Installs tpeval's build and test dependencies from Debian 12 packages. Idempotent: packages that
# are already present are not fetched again, and apt-get update runs only when something is missing.
# Usage: scripts/install-deps.sh [--notebooks] [--peers]
#   --notebooks  also the Python tools that execute the notebooks (matplotlib, pandas, nbconvert)
#   --peers      also the peers measured by the benchmarks (GNU Octave queueing, SimPy)
set -euo pipefail

packages=(build-essential cmake g++ clang libclang-rt-14-dev libfuzzer-14-dev libeigen3-dev libboost-math-dev nlohmann-json3-dev
          libcli11-dev doctest-dev libbenchmark-dev libpugixml-dev python3 python3-jsonschema
          pybind11-dev python3-dev python3-pytest python3-pandas)
# Studies on Slurm (tests/slurm/slurm_study_test.sh runs a one-host cluster).
packages+=(slurm-wlm munge)
# {fmt} for number formatting; help2man for the man page (built only when it is present).
packages+=(libfmt-dev help2man)
# gnuplot draws `tpeval whatif --plot` (cli/cmd_whatif.cpp); tests/cli/whatif_cli_test.cpp runs it.
packages+=(gnuplot-nox)
for arg in "$@"; do
  case "$arg" in
    --notebooks) packages+=(python3 python3-matplotlib python3-pandas jupyter-nbconvert
                            python3-nbformat python3-ipykernel) ;;
    --peers) packages+=(octave octave-queueing python3-simpy) ;;
    *) echo "install-deps.sh: unknown option '$arg'" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -eq 0 ]; then
  exit 0
fi
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
echo "install-deps.sh: installing ${missing[*]}" >&2
"${sudo_cmd[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
