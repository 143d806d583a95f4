#!/bin/bash
# Merges the shards of a tpeval study run as a Slurm job array (study-array.sh) into the
# results.csv, results.json and summary.md of one run; exit code as `tpeval study` (1: an
# expectation missed).
#
#   sbatch --dependency=afterok:ARRAY_JOB_ID scripts/slurm/study-merge.sh OUTDIR
#
# The merged files are written into OUTDIR next to the shard files. TPEVAL names the binary.
#SBATCH --job-name=tpeval-merge
#SBATCH --cpus-per-task=1
#SBATCH --output=tpeval-merge-%j.out
set -euo pipefail

if [ $# -ne 1 ]; then
  echo "usage: sbatch --dependency=afterok:JOBID $0 OUTDIR" >&2
  exit 2
fi
exec "${TPEVAL:-tpeval}" study --merge "$1" --out "$1"
