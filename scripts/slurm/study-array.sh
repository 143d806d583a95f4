#!/bin/bash
# One task of a Slurm job array runs one shard of a tpeval study (docs/studies.md, "On a cluster").
#
#   sbatch --array=1-N scripts/slurm/study-array.sh STUDY.json OUTDIR [extra tpeval study options]
#
# Task K of the array runs `tpeval study STUDY.json --shard K/N --out OUTDIR`, which writes
# OUTDIR/shard-K-of-N.json (and a per-shard journal, so a requeued task resumes). The array must
# be 1-N (contiguous, starting at 1); N is the array's task count. OUTDIR must be on a file
# system all nodes share. Merge afterwards with scripts/slurm/study-merge.sh (submit-study.sh
# submits both, the merge depending on the array). TPEVAL names the binary (default: tpeval on
# PATH); --jobs is the task's CPU count (sbatch --cpus-per-task).
#SBATCH --job-name=tpeval-study
#SBATCH --cpus-per-task=1
#SBATCH --output=tpeval-study-%A_%a.out
set -euo pipefail

if [ $# -lt 2 ]; then
  echo "usage: sbatch --array=1-N $0 STUDY.json OUTDIR [tpeval study options]" >&2
  exit 2
fi
study=$1
out=$2
shift 2
: "${SLURM_ARRAY_TASK_ID:?not a job array task: submit with sbatch --array=1-N}"
count=${SLURM_ARRAY_TASK_COUNT:?}
if [ "${SLURM_ARRAY_TASK_MIN:-1}" != 1 ] || [ "${SLURM_ARRAY_TASK_MAX:-$count}" != "$count" ]; then
  echo "$0: the array must be 1-N (got ${SLURM_ARRAY_TASK_MIN}-${SLURM_ARRAY_TASK_MAX}," \
       "$count tasks)" >&2
  exit 2
fi
exec "${TPEVAL:-tpeval}" study "$study" --shard "$SLURM_ARRAY_TASK_ID/$count" \
  --out "$out" --jobs "${SLURM_CPUS_PER_TASK:-1}" "$@"
