#!/usr/bin/env bash
# Run a command (the test suite) with a private PostgreSQL server for the
# gradebook tests: a throw-away cluster in a temporary folder, listening on
# 127.0.0.1 only, whose URL is exported as TEST_POSTGRES_URL; it is stopped and
# deleted when the command ends. The command's exit code is returned.
#
#   bash tests/with_postgres.sh COMMAND [ARGS...]
#
# PostgreSQL's server programs (initdb, pg_ctl) come from PATH or
# /usr/lib/postgresql/*/bin. In CI (CI=true) the Debian package is installed
# when they are missing. Elsewhere, without them, the command runs without a
# server and the PostgreSQL tests skip, saying how to run them. The server
# refuses to run as root, so as root it runs as the `postgres` user.
set -uo pipefail

log() { echo "with_postgres: $*" >&2; }

server_bin() {
    local dir
    if command -v initdb >/dev/null && command -v pg_ctl >/dev/null; then
        dirname "$(readlink -f "$(command -v pg_ctl)")"
        return
    fi
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    [ -n "$dir" ] && [ -x "$dir/initdb" ] && echo "$dir"
}

install_in_ci() {
    [ "${CI:-}" = true ] && [ "$(id -u)" = 0 ] || return 1
    log "installing PostgreSQL (Debian package) for the gradebook tests ..."
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
}

BIN=$(server_bin)
if [ -z "$BIN" ] && install_in_ci; then
    BIN=$(server_bin)
fi
if [ -z "$BIN" ]; then
    log "PostgreSQL is not installed: its tests will skip (install the postgresql package to run them)."
    exec "$@"
fi

RUN_AS=()
if [ "$(id -u)" = 0 ]; then
    if ! id postgres >/dev/null 2>&1; then
        log "running as root and there is no postgres user to run the server as: PostgreSQL tests will skip."
        exec "$@"
    fi
    RUN_AS=(runuser -u postgres --)
fi

DIR=$(mktemp -d "${TMPDIR:-/tmp}/test-postgres.XXXXXX")
chmod 755 "$DIR"
[ ${#RUN_AS[@]} -gt 0 ] && chown postgres "$DIR"
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

stop_server() {
    "${RUN_AS[@]}" "$BIN/pg_ctl" -D "$DIR/data" -m fast -w stop >/dev/null 2>&1
    rm -rf "$DIR"
}

if "${RUN_AS[@]}" "$BIN/initdb" -D "$DIR/data" -U grader -A trust --no-sync >"$DIR/initdb.log" 2>&1 &&
   "${RUN_AS[@]}" "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 60 \
       -o "-h 127.0.0.1 -p $PORT -k $DIR -c fsync=off" start >/dev/null; then
    export TEST_POSTGRES_URL="postgresql+psycopg2://grader@127.0.0.1:$PORT/postgres"
    log "PostgreSQL $("$BIN/pg_ctl" --version | awk '{print $3}') on 127.0.0.1:$PORT for the gradebook tests"
else
    log "PostgreSQL could not be started; its tests will skip (or fail in CI). Its log:"
    cat "$DIR"/*.log >&2
    stop_server
    exec "$@"
fi
trap 'stop_server' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
"$@"
