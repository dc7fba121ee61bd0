#!/usr/bin/env bash
# Stops the single-node Slurm started by scripts/slurm-up.sh, by PID, and removes its directory.
#
#   scripts/slurm-down.sh          # cancel jobs, stop slurmd, slurmctld, munged; rm -rf the dir
#   scripts/slurm-down.sh --keep   # the same, but keep the directory (logs) for inspection
#
# SUANLI_SLURM_DIR: the directory slurm-up.sh used (default /tmp/suanli-slurm).
set -uo pipefail

S=${SUANLI_SLURM_DIR:-/tmp/suanli-slurm}
keep=0
[ "${1:-}" = --keep ] && keep=1
[ -d "$S" ] || { echo "slurm-down: nothing at $S"; exit 0; }
export SLURM_CONF=$S/slurm.conf

running() { # PID -> running (not a zombie)
  case "$(ps -o stat= -p "$1" 2>/dev/null)" in ""|Z*) return 1;; *) return 0;; esac
}

is_daemon() { # PID NAME -> the PID is still that daemon (not a reused PID)
  [ "$(ps -o comm= -p "$1" 2>/dev/null)" = "$2" ]
}

ctld=$(cat "$S/slurmctld.bgpid" 2>/dev/null || true)
if [ -n "$ctld" ] && running "$ctld"; then
  scancel --user=root >/dev/null 2>&1 || true
  for _ in $(seq 50); do [ -z "$(squeue -h 2>/dev/null)" ] && break; sleep 0.2; done
fi

for d in slurmd slurmctld munged; do
  p=$(cat "$S/$d.bgpid" 2>/dev/null) || continue
  running "$p" && is_daemon "$p" "$d" || continue
  kill "$p" 2>/dev/null || continue
  for _ in $(seq 100); do running "$p" || break; sleep 0.1; done
  if running "$p"; then kill -KILL "$p" 2>/dev/null || true; fi
done

if [ "$keep" = 0 ]; then
  rm -rf "$S"
  echo "slurm-down: stopped and removed $S"
else
  rm -f "$S/env"
  echo "slurm-down: stopped; logs kept in $S"
fi
