#!/bin/bash
# Submits a tpeval study to Slurm: an N-task job array (study-array.sh), then the merge
# (study-merge.sh) once every task has succeeded. Prints the two job ids.
#
#   scripts/slurm/submit-study.sh STUDY.json OUTDIR N [extra sbatch options for both jobs]
#
# Example: scripts/slurm/submit-study.sh studies/log_allocation.json /shared/log 8 --partition=batch
set -euo pipefail

if [ $# -lt 3 ]; then
  echo "usage: $0 STUDY.json OUTDIR N [sbatch options]" >&2
  exit 2
fi
study=$1
out=$2
n=$3
shift 3
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
array=$(sbatch --parsable --array="1-$n" --chdir="$out" "$@" "$here/study-array.sh" \
  "$(realpath "$study")" "$(realpath "$out")")
array=${array%%;*}
merge=$(sbatch --parsable --dependency="afterok:$array" --chdir="$out" "$@" \
  "$here/study-merge.sh" "$(realpath "$out")")
echo "array job $array, merge job ${merge%%;*}"
