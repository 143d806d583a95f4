#!/bin/bash
# A study on a real Slurm: this host becomes a one-node cluster (munged, slurmctld, slurmd with a
# minimal slurm.conf, state under a temporary directory), scripts/slurm/submit-study.sh submits a
# 4-task job array of a small study plus the merge job, and the merged results.csv, results.json
# and summary.md must equal a single-machine run byte for byte.
#
#   tests/slurm/slurm_study_test.sh TPEVAL_BINARY SOURCE_DIR
#
# Installs slurm-wlm and munge from Debian when they are missing (needs root: as in CI, a fresh
# machine without systemd); without root and without Slurm it exits 77 (ctest: skipped, said so).
# Every daemon it starts is its own (own munge socket and key, own ports, own state directory),
# and is killed on exit, whatever the outcome. Registered with ctest (label slurm).
set -euo pipefail

tpeval=$(realpath "$1")
source_dir=$(realpath "$2")
timeout_s=${SLURM_TEST_TIMEOUT_S:-120}

say() { echo "slurm_study_test: $*"; }

if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null ||
  ! command -v sbatch >/dev/null || ! command -v munged >/dev/null; then
  if [ "$(id -u)" != 0 ]; then
    say "SKIPPED: slurm-wlm/munge are not installed and installing them needs root"
    exit 77
  fi
  say "installing slurm-wlm and munge from Debian"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends slurm-wlm munge >/dev/null
fi
if [ "$(id -u)" != 0 ]; then
  # slurmd must run as root to start jobs as their user; a user's daemons cannot do that.
  say "SKIPPED: starting slurmd needs root"
  exit 77
fi

work=$(mktemp -d /tmp/tpeval-slurm.XXXXXX)
chmod 0755 "$work"
pids=()
cleanup() {
  local rc=$?
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  if [ $rc -ne 0 ]; then
    for log in "$work"/*.log "$work"/out/*.out; do
      [ -f "$log" ] && { echo "--- $log"; tail -n 30 "$log"; }
    done
  fi
  rm -rf "$work"
  exit $rc
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# --- munge: own key, own socket -----------------------------------------------------------------
dd if=/dev/urandom of="$work/munge.key" bs=1024 count=1 status=none
chmod 0400 "$work/munge.key"
munged --force --key-file="$work/munge.key" --socket="$work/munge.socket" \
  --pid-file="$work/munged.pid" --log-file="$work/munged.log" --seed-file="$work/munged.seed"
for _ in $(seq 50); do [ -s "$work/munged.pid" ] && break; sleep 0.1; done
pids+=("$(cat "$work/munged.pid")")
munge --socket="$work/munge.socket" -n | unmunge --socket="$work/munge.socket" >/dev/null

# --- slurm.conf for this one host ---------------------------------------------------------------
# The node line is what slurmd detects here (slurmd -C), so the node is never drained for a
# mismatch; the controller and the node are addressed as 127.0.0.1 so no name service is needed.
# Ports are picked from the pid so two runs (or a system Slurm) do not collide.
node_line=$(slurmd -C | head -n 1)
node=$(sed -e 's/^NodeName=\([^ ]*\).*/\1/' <<<"$node_line")
port=$((20000 + ($$ % 20000)))
mkdir -p "$work/state" "$work/spool" "$work/out"
cat >"$work/slurm.conf" <<CONF
ClusterName=tpevaltest
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$work/munge.socket
CredType=cred/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/builtin
SchedulerParameters=kill_invalid_depend
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
MinJobAge=300
$node_line NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=test Nodes=$node Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF=$work/slurm.conf

slurmctld -i
for _ in $(seq 50); do [ -s "$work/slurmctld.pid" ] && break; sleep 0.1; done
pids+=("$(cat "$work/slurmctld.pid")")
slurmd
for _ in $(seq 50); do [ -s "$work/slurmd.pid" ] && break; sleep 0.1; done
pids+=("$(cat "$work/slurmd.pid")")

deadline=$((SECONDS + timeout_s))
until sinfo -h -o '%T' 2>/dev/null | grep -qE '^(idle|mixed)'; do
  if [ $SECONDS -ge $deadline ]; then say "FAIL: the node did not come up"; sinfo || true; exit 1; fi
  sleep 0.5
done
say "one-node Slurm up on $node (port $port)"

# --- the study: 2 configurations x 3 rates, simulated as well -----------------------------------
cat >"$work/study.json" <<'JSON'
{
  "name": "slurm_small",
  "configurations": [
    {"name": "disk_log", "overrides": {"nodes[0].log.device": "log_disk"}},
    {"name": "ssd_log", "label": "SSD log", "overrides": {"nodes[0].log.device": "ssd"}}
  ],
  "sweep": [{"name": "rate", "parameter": "workload.arrival_rate_per_s", "values": [50, 80, 120]}],
  "metrics": ["response_time_ms", "throughput_per_s", "hs_hit_pct"],
  "mode": "both",
  "simulation": {"seed": 11, "precision": 0.2, "max_time_s": 300, "max_wall_time_s": 600},
  "expectations": [
    {"id": "S1", "source": "test", "statement": "SSD log faster", "kind": "ordering",
     "metric": "response_time_ms", "configurations": ["ssd_log", "disk_log"]}
  ]
}
JSON

export TPEVAL=$tpeval
ids=$("$source_dir/scripts/slurm/submit-study.sh" "$work/study.json" "$work/out" 4)
say "$ids"
merge_id=$(sed -e 's/.*merge job \([0-9]*\).*/\1/' <<<"$ids")
array_id=$(sed -e 's/array job \([0-9]*\),.*/\1/' <<<"$ids")
until [ -z "$(squeue -h -j "$array_id,$merge_id" 2>/dev/null)" ]; do
  if [ $SECONDS -ge $deadline ]; then say "FAIL: jobs still queued after ${timeout_s}s"; squeue; exit 1; fi
  sleep 1
done

# Each task wrote its shard, the merge wrote the results: nothing failed silently.
for k in 1 2 3 4; do
  [ -f "$work/out/shard-$k-of-4.json" ] || { say "FAIL: shard $k/4 missing"; exit 1; }
done
for f in results.csv results.json summary.md; do
  [ -f "$work/out/$f" ] || { say "FAIL: merge job wrote no $f"; exit 1; }
done
grep -q "4 shards" "$work/out/tpeval-merge-$merge_id.out" ||
  { say "FAIL: merge job output"; exit 1; }

"$tpeval" study "$work/study.json" --out "$work/single" >/dev/null
for f in results.csv results.json summary.md; do
  if ! cmp -s "$work/single/$f" "$work/out/$f"; then
    say "FAIL: $f of the Slurm run differs from the single-machine run"
    diff "$work/single/$f" "$work/out/$f" | head -n 20
    exit 1
  fi
done
say "PASS: 4-task job array + merge == single run (results.csv, results.json, summary.md)"
