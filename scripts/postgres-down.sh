#!/usr/bin/env bash
# Stops the cluster that scripts/postgres-up.sh started (fast shutdown) and removes its directory
# (with --keep: keeps it, for `scripts/postgres-up.sh --again`).
set -eu
DIR=${SUANLI_PG_DIR:-/tmp/suanli-pg}
BIN=${SUANLI_PG_BIN:-/usr/lib/postgresql/15/bin}
if [ -e "$DIR/data/postmaster.pid" ]; then
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$BIN/pg_ctl" -D "$DIR/data" -m fast -w -t 30 stop >/dev/null || true
    else
        "$BIN/pg_ctl" -D "$DIR/data" -m fast -w -t 30 stop >/dev/null || true
    fi
    # pg_ctl returns once the postmaster has gone; wait for its pid file too.
    i=0
    while [ -e "$DIR/data/postmaster.pid" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
fi
[ "${1:-}" = --keep ] || rm -rf "$DIR"
