#!/usr/bin/env bash
# `tpeval solve` of a generated open network (one class over STATIONS FCFS stations, the network
# of bench/run_scaling.sh) in every output format, against a peer binary (e.g. main's build) in
# the same minutes: RUNS alternating runs each, the smallest CPU time (user + sys) and the peak
# RSS from /usr/bin/time, and whether the outputs are byte-identical (issue #16: <= 0.5 s and
# <= 200 MB in every format).
#   bench/run_solve_formats.sh BUILD_DIR [PEER_BINARY] [STATIONS] [RUNS]
set -euo pipefail
build=${1:-build}
peer=${2:-}
stations=${3:-100000}
runs=${4:-5}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
python3 "$(dirname "$0")/open_network.py" "$stations" >"$dir/net.json"
echo "network: $stations stations, $(du -h "$dir/net.json" | cut -f1); $runs runs each; $(nproc) cores," \
  "load $(cut -d' ' -f1-3 /proc/loadavg)"
binaries=("$build/tpeval")
[ -n "$peer" ] && binaries=("$peer" "$build/tpeval")
for format in json csv table; do
  for run in $(seq "$runs"); do
    for b in "${!binaries[@]}"; do
      /usr/bin/time -f "%U %S %e %M" -o "$dir/time.$b.$format.$run" \
        "${binaries[$b]}" solve "$dir/net.json" --format "$format" >"$dir/out.$b.$format"
    done
  done
  for b in "${!binaries[@]}"; do
    # Smallest user + sys over the runs; the largest peak RSS.
    cat "$dir"/time."$b"."$format".* | awk -v name="${binaries[$b]}" -v format="$format" '
      { cpu = $1 + $2; if (NR == 1 || cpu < best) { best = cpu; user = $1; sys = $2; wall = $3 }
        if ($4 > rss) rss = $4 }
      END { printf "%-6s %-40s %.2f s cpu (%.2f user + %.2f sys; wall %.2f s), %.0f MB peak RSS\n",
                   format, name, best, user, sys, wall, rss / 1024 }'
  done
  if [ -n "$peer" ]; then
    cmp -s "$dir/out.0.$format" "$dir/out.1.$format" && echo "$format: outputs byte-identical" ||
      echo "$format: OUTPUTS DIFFER"
  fi
done
