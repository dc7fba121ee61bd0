#!/usr/bin/env bash
# Starts a single-node Slurm on loopback for tests and CI (Debian 12, as root, no systemd).
#
#   scripts/slurm-up.sh          # installs slurm-wlm packages if missing, starts munged,
#                                # slurmctld and slurmd, waits until the node is idle
#   . /tmp/suanli-slurm/env      # exports SLURM_CONF for slurm commands (tests read it too)
#   scripts/slurm-down.sh        # stops the daemons by PID and removes the directory
#
# Environment:
#   SUANLI_SLURM_DIR   state directory (default /tmp/suanli-slurm)
#   SUANLI_SLURM_PORT  slurmctld port (default 6817); slurmd uses the next port
#   SUANLI_SLURM_GPUS  fake GPUs to declare (default 2; char devices made with mknod)
#
# The node has the host's logical CPUs and memory and SUANLI_SLURM_GPUS GPUs whose device
# files are /dev/null's (Slurm only needs character devices to set CUDA_VISIBLE_DEVICES).
# Idempotent: if the cluster in the directory is already up, it only prints the env line.
# Exit status: 0 when the node is idle, 1 when Slurm cannot be installed or started
# (the reason is printed and the daemon logs are in the directory).
set -euo pipefail

S=${SUANLI_SLURM_DIR:-/tmp/suanli-slurm}
PORT=${SUANLI_SLURM_PORT:-6817}
GPUS=${SUANLI_SLURM_GPUS:-2}
export SLURM_CONF=$S/slurm.conf

started=0
fail() {
  echo "slurm-up: $*" >&2
  if [ "$started" = 1 ]; then "$(dirname "$0")/slurm-down.sh" --keep >/dev/null 2>&1 || true; fi
  exit 1
}

node_state() { sinfo -h -N -o %t 2>/dev/null | head -1; }

alive() { # PID file -> running (not a zombie)
  local p
  p=$(cat "$1" 2>/dev/null) || return 1
  case "$(ps -o stat= -p "$p" 2>/dev/null)" in ""|Z*) return 1;; esac
}

if [ -f "$S/env" ] && alive "$S/slurmctld.bgpid" && alive "$S/slurmd.bgpid" && alive "$S/munged.bgpid"; then
  case "$(node_state)" in idle|mix*|alloc*) up=1;; *) up=0;; esac
else
  up=0
fi
if [ "$up" = 1 ]; then
  echo "slurm-up: already running; export SLURM_CONF=$SLURM_CONF"
  exit 0
fi

[ "$(id -u)" = 0 ] || fail "must run as root (slurmd runs jobs as root here)"

# --- packages ---------------------------------------------------------------------------
need=()
for pkg in slurmctld slurmd slurm-client munge slurm-wlm-basic-plugins; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  command -v apt-get >/dev/null || fail "missing packages ${need[*]} and no apt-get"
  echo "slurm-up: installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq || fail "apt-get update failed"
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null || fail "apt-get install failed"
fi
for bin in munged mungekey slurmctld slurmd sinfo sbatch; do
  command -v "$bin" >/dev/null || fail "$bin not found after installing the packages"
done

# --- a clean directory ------------------------------------------------------------------
if [ -d "$S" ]; then "$(dirname "$0")/slurm-down.sh" >/dev/null 2>&1 || true; fi
for port in "$PORT" $((PORT + 1)); do
  if command -v ss >/dev/null && ss -Hltn "sport = :$port" 2>/dev/null | grep -q .; then
    fail "port $port is in use (another Slurm?); set SUANLI_SLURM_PORT"
  fi
done
rm -rf "$S"
mkdir -p "$S/state" "$S/spool"
chmod 755 "$S" # munged refuses a socket directory that others cannot traverse

H=$(hostname -s)
CPUS=$(nproc)
MEM=$(awk '/^MemTotal:/ { print int($2 / 1024) }' /proc/meminfo)

# --- munge ------------------------------------------------------------------------------
started=1
mungekey -c -k "$S/munge.key" >/dev/null 2>&1 || fail "mungekey failed"
munged -F --key-file="$S/munge.key" --socket="$S/munge.sock" --pid-file="$S/munged.pid" \
  --seed-file="$S/munged.seed" --log-file="$S/munged.log" >"$S/munged.out" 2>&1 &
echo $! >"$S/munged.bgpid"
for _ in $(seq 50); do [ -S "$S/munge.sock" ] && break; sleep 0.1; done
[ -S "$S/munge.sock" ] || fail "munged did not start: $(tail -3 "$S/munged.out")"

# --- configuration ----------------------------------------------------------------------
gres=""
if [ "$GPUS" -gt 0 ]; then
  for i in $(seq 0 $((GPUS - 1))); do # /dev/null's numbers
    mknod "$S/gpu$i" c 1 3 || fail "mknod $S/gpu$i failed (no CAP_MKNOD?); set SUANLI_SLURM_GPUS=0 to run without GPUs"
  done
  echo "NodeName=$H Name=gpu File=$S/gpu[0-$((GPUS - 1))]" >"$S/gres.conf"
  gres="Gres=gpu:$GPUS"
else
  : >"$S/gres.conf"
fi

cat >"$S/slurm.conf" <<EOF
# Written by scripts/slurm-up.sh: a single-node Slurm for Suanli's tests.
ClusterName=suanli
SlurmctldHost=localhost
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$S/munge.sock
SlurmctldPort=$PORT
SlurmdPort=$((PORT + 1))
StateSaveLocation=$S/state
SlurmdSpoolDir=$S/spool
SlurmctldPidFile=$S/slurmctld.pid
SlurmdPidFile=$S/slurmd.pid
SlurmctldLogFile=$S/slurmctld.log
SlurmdLogFile=$S/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
DefMemPerCPU=256
SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0,sched_min_interval=0
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$S/jobcomp.txt
MpiDefault=none
MailProg=/bin/true
ReturnToService=2
KillWait=5
MinJobAge=300
GresTypes=gpu
NodeName=$H NodeAddr=127.0.0.1 CPUs=$CPUS RealMemory=$MEM $gres State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF

# --- daemons ----------------------------------------------------------------------------
slurmctld -D -i >"$S/slurmctld.out" 2>&1 &
echo $! >"$S/slurmctld.bgpid"
slurmd -D >"$S/slurmd.out" 2>&1 &
echo $! >"$S/slurmd.bgpid"

state=""
for _ in $(seq 150); do
  state=$(node_state)
  [ "$state" = idle ] && break
  alive "$S/slurmctld.bgpid" || break
  alive "$S/slurmd.bgpid" || break
  sleep 0.2
done
if [ "$state" != idle ]; then
  echo "slurm-up: node state '${state:-none}' after 30 s" >&2
  tail -5 "$S/slurmctld.out" "$S/slurmd.out" "$S/slurmctld.log" "$S/slurmd.log" >&2 2>/dev/null || true
  "$(dirname "$0")/slurm-down.sh" --keep >/dev/null 2>&1 || true
  exit 1
fi

echo "export SLURM_CONF=$SLURM_CONF" >"$S/env"
echo "slurm-up: node $H idle ($CPUS CPUs, ${MEM} MiB, $GPUS GPUs); export SLURM_CONF=$SLURM_CONF"
