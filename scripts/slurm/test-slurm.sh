#!/usr/bin/env bash
# End-to-end check of the Slurm path on a single-node cluster started here:
#   installs slurm-wlm and munge from Debian's packages (needs root and apt), starts munged, slurmctld and slurmd
#   directly (no systemd, no cgroups), submits a 4-task array sweep plus the dependent merge job, waits, and checks
#   that the merged outputs equal a single-machine sweep byte for byte. Stops only the daemons it started.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d /tmp/fastil-slurm.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT
log() { echo "[slurm-e2e] $*"; }

if [ "$(id -u)" != 0 ]; then log "needs root (apt-get, daemons)"; exit 1; fi
if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
  log "installing slurm-wlm and munge"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge >/dev/null
fi

# munge: a fresh key, the daemon run as the munge user.
mkdir -p /etc/munge /run/munge /var/lib/munge /var/log/munge
if [ ! -s /etc/munge/munge.key ]; then dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none; fi
chown -R munge:munge /etc/munge /run/munge /var/lib/munge /var/log/munge
chmod 400 /etc/munge/munge.key; chmod 755 /run/munge
if ! munge -n >/dev/null 2>&1; then
  runuser -u munge -- /usr/sbin/munged --foreground >"$work/munged.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 50); do munge -n >/dev/null 2>&1 && break; sleep 0.1; done
fi
munge -n | unmunge >/dev/null || { log "munge does not work"; cat "$work/munged.log"; exit 1; }

host=$(hostname -s)
cpus=$(nproc)
mkdir -p "$work/state" "$work/spool"
cat >"$work/slurm.conf" <<CONF
ClusterName=fastil-e2e
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MpiDefault=none
ReturnToService=2
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
SlurmctldPort=16817
SlurmdPort=16818
NodeName=$host CPUs=$cpus State=UNKNOWN
PartitionName=e2e Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF=$work/slurm.conf
slurmctld -D -i -f "$SLURM_CONF" >"$work/slurmctld.out" 2>&1 &
pids+=($!)
slurmd -D -f "$SLURM_CONF" >"$work/slurmd.out" 2>&1 &
pids+=($!)
for _ in $(seq 100); do
  state=$(sinfo -h -o %t 2>/dev/null | head -n1 || true)
  [ "$state" = idle ] && break
  sleep 0.3
done
if [ "${state:-}" != idle ]; then log "node never became idle (state '${state:-none}')"; tail -n 20 "$work"/slurm*.log "$work"/*.out; exit 1; fi
log "cluster up on $host ($cpus CPUs)"

dotnet build -c Release "$root/src/FastIL.Cli" -nologo -v q >/dev/null
fastil="dotnet $root/src/FastIL.Cli/bin/Release/net10.0/FastIL.Cli.dll"
cat >"$work/spec.json" <<'SPEC'
{"base": {"algorithm": "dagger", "env": "CartPole-v1", "iterations": 2, "eval-episodes": 50},
 "grid": {"rollouts": [2, 4], "beta": ["indicator", "exp:0.5"]},
 "seeds": 5}
SPEC
$fastil sweep "$work/spec.json" --out "$work/single" --threads 2 --quiet

FASTIL="$fastil" "$root/scripts/slurm/submit.sh" "$work/spec.json" "$work/cluster" 4 --partition=e2e
for _ in $(seq 600); do
  [ -z "$(squeue -h 2>/dev/null)" ] && break
  sleep 0.5
done
if [ -n "$(squeue -h)" ]; then log "jobs did not finish in time"; squeue; exit 1; fi
for f in runs.csv iterations.csv summary.csv; do
  if ! cmp -s "$work/single/$f" "$work/cluster/merged/$f"; then
    log "FAILED: $f differs between the single-machine sweep and the Slurm merge"
    ls -la "$work/cluster" "$work/cluster/merged" 2>/dev/null || true; cat "$work"/cluster/*.out 2>/dev/null || true
    exit 1
  fi
done
log "OK: the 4-shard Slurm array + merge equals the single-machine sweep ($(($(wc -l <"$work/single/runs.csv") - 1)) runs)"
rm -rf "$work"
