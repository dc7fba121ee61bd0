#!/usr/bin/env bash
# Starts a throwaway PostgreSQL 15 cluster on loopback for tests and benchmarks, creates a role
# and a database, and prints the database URL (the last line of stdout).
#
#   scripts/postgres-up.sh            # cluster in $SUANLI_PG_DIR (default /tmp/suanli-pg), port $SUANLI_PG_PORT (55432)
#   export SUANLI_TEST_DATABASE_URL=$(scripts/postgres-up.sh | tail -1)
#   scripts/postgres-down.sh          # stops it and removes the directory
#   scripts/postgres-down.sh --keep; scripts/postgres-up.sh --again   # a restart keeping the data
#
# Runs the server as an unprivileged user: as root, as `postgres` (Debian's package creates it)
# through runuser; otherwise as the current user. Binaries: Debian's `postgresql` package
# (/usr/lib/postgresql/15/bin), or $SUANLI_PG_BIN. Listens on 127.0.0.1 only, password (scram) auth.
set -eu
DIR=${SUANLI_PG_DIR:-/tmp/suanli-pg}
PORT=${SUANLI_PG_PORT:-55432}
BIN=${SUANLI_PG_BIN:-/usr/lib/postgresql/15/bin}
ROLE=${SUANLI_PG_ROLE:-suanli}
DB=${SUANLI_PG_DB:-suanli}
PASSWORD=${SUANLI_PG_PASSWORD:-suanli-test-pw}

AGAIN=0
[ "${1:-}" = --again ] && AGAIN=1
[ -x "$BIN/initdb" ] || { echo "postgres-up: no $BIN/initdb (install Debian's postgresql, or set SUANLI_PG_BIN)" >&2; exit 1; }
if [ -e "$DIR/data/postmaster.pid" ]; then
    echo "postgres-up: a cluster is already running in $DIR (scripts/postgres-down.sh stops it)" >&2
    exit 1
fi

if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || { echo "postgres-up: as root, a 'postgres' user is needed to run the server" >&2; exit 1; }
    as_server() { runuser -u postgres -- "$@"; }
    OWNER=postgres
else
    as_server() { "$@"; }
    OWNER=$(id -un)
fi

start_server() {
    # The server must not inherit descriptors beyond 0-2 (e.g. the pipes of a caller that reads
    # this script's output to the end: it would never see the end while the server runs).
    for fd in $(ls /proc/$$/fd 2>/dev/null); do
        if [ "$fd" -gt 2 ] 2>/dev/null; then eval "exec $fd>&-"; fi
    done
    as_server "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 30 \
        -o "-c listen_addresses=127.0.0.1 -p $PORT -c unix_socket_directories=$DIR -c max_connections=500" \
        start >/dev/null 2>&1 || { cat "$DIR/server.log" >&2; exit 1; }
}
if [ $AGAIN = 1 ]; then
    [ -d "$DIR/data" ] || { echo "postgres-up: --again: no cluster in $DIR" >&2; exit 1; }
    start_server
    echo "postgres://$ROLE:$PASSWORD@127.0.0.1:$PORT/$DB"
    exit 0
fi

rm -rf "$DIR"
mkdir -p "$DIR"
chmod 700 "$DIR"
[ "$OWNER" = "$(id -un)" ] || chown "$OWNER" "$DIR"
SUPERPW=$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
printf '%s\n' "$SUPERPW" >"$DIR/superpw"
chmod 600 "$DIR/superpw"
[ "$OWNER" = "$(id -un)" ] || chown "$OWNER" "$DIR/superpw"

as_server "$BIN/initdb" -D "$DIR/data" -U postgres -E UTF8 --locale=C.UTF-8 --auth=scram-sha-256 \
    --pwfile="$DIR/superpw" >"$DIR/initdb.log" 2>&1 || { cat "$DIR/initdb.log" >&2; exit 1; }
start_server

PGPASSWORD=$SUPERPW "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -q \
    -c "CREATE ROLE \"$ROLE\" LOGIN PASSWORD '$PASSWORD'" -c "CREATE DATABASE \"$DB\" OWNER \"$ROLE\""
echo "postgres-up: PostgreSQL $("$BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PORT, data in $DIR" >&2
echo "postgres://$ROLE:$PASSWORD@127.0.0.1:$PORT/$DB"
