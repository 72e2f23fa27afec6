#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests and for trying the program on a server.
#
#   scripts/pg_cluster.sh start [DIR]   create (or reuse) a cluster in DIR and start it;
#                                       prints one line: postgresql://USER@127.0.0.1:PORT/DB
#   scripts/pg_cluster.sh stop DIR      stop the cluster in DIR and remove DIR
#   scripts/pg_cluster.sh url DIR       print the URL of the running cluster in DIR
#
# Without DIR, start makes a fresh temporary folder and names it on stderr (stop needs it).
# PostgreSQL is installed from Debian's packages when no initdb is found (needs root). The
# server listens on 127.0.0.1 only, on the first free port from $NDESK_PG_PORT (default
# 54329), with its unix socket inside DIR; it trusts every local connection (initdb -A trust),
# so it is for tests only. The role and database are both "ndesk" (override with
# $NDESK_PG_USER / $NDESK_PG_DB); the role may create databases (one per test).
# Running it again on a running cluster prints the same URL; stopping a stopped or missing
# cluster does nothing.
set -euo pipefail

PG_USER="${NDESK_PG_USER:-ndesk}"
PG_DB="${NDESK_PG_DB:-ndesk}"
FIRST_PORT="${NDESK_PG_PORT:-54329}"
PORT_TRIES=40

die() {
    echo "pg_cluster: $*" >&2
    exit 1
}

usage() {
    die "usage: $0 start [DIR] | stop DIR | url DIR"
}

# The bin folder of the newest PostgreSQL under /usr/lib/postgresql, or of the initdb on PATH.
find_bindir() {
    local found
    found="$(ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1 || true)"
    if [[ -z "$found" ]]; then
        found="$(command -v initdb 2>/dev/null || true)"
        [[ -n "$found" ]] && found="$(readlink -f "$found")"
    fi
    [[ -n "$found" ]] && dirname "$found"
    return 0
}

install_postgres() {
    [[ "$(id -u)" -eq 0 ]] || die "PostgreSQL is not installed and installing it needs root (apt-get install postgresql postgresql-contrib)."
    command -v apt-get >/dev/null 2>&1 || die "PostgreSQL is not installed and this system has no apt-get to install it with."
    export DEBIAN_FRONTEND=noninteractive
    if ! apt-get install -y -qq postgresql postgresql-contrib >/dev/null 2>&1; then
        apt-get update -qq >/dev/null 2>&1 || true
        apt-get install -y -qq postgresql postgresql-contrib >/dev/null 2>&1 \
            || die "installing PostgreSQL with apt-get failed (try: apt-get install postgresql postgresql-contrib)."
    fi
}

# Commands run as the postgres user when we are root (initdb refuses root), else as ourselves.
as_owner() {
    if [[ "$(id -u)" -eq 0 ]]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

port_busy() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

is_running() {
    [[ -f "$1/data/postmaster.pid" ]] && as_owner "$BINDIR/pg_ctl" -D "$1/data" status >/dev/null 2>&1
}

url_of() {
    local port
    port="$(cat "$1/port" 2>/dev/null)" || die "no cluster in $1."
    echo "postgresql://$PG_USER@127.0.0.1:$port/$PG_DB"
}

psql_super() {
    local dir="$1"
    shift
    as_owner "$BINDIR/psql" -X -q -v ON_ERROR_STOP=1 -h "$dir/socket" -p "$(cat "$dir/port")" \
        -U postgres -d postgres "$@"
}

start_server() {
    local dir="$1" port tries=0
    port="$FIRST_PORT"
    while ((tries < PORT_TRIES)); do
        if ! port_busy "$port"; then
            # A throwaway cluster for tests: no durability needed, and without fsync creating
            # and dropping a database per test is several times faster.
            if as_owner "$BINDIR/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 -s \
                -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir/socket -c fsync=off -c full_page_writes=off -c synchronous_commit=off" \
                start >/dev/null 2>&1; then
                echo "$port" >"$dir/port"
                return 0
            fi
            # Another process took the port between the check and the start: try the next one.
            grep -q "could not bind\|could not create listen socket\|Address already in use" \
                "$dir/server.log" 2>/dev/null \
                || die "the server did not start: $(tail -n 1 "$dir/server.log" 2>/dev/null)"
        fi
        port=$((port + 1))
        tries=$((tries + 1))
    done
    die "no free port between $FIRST_PORT and $((FIRST_PORT + PORT_TRIES - 1))."
}

cmd_start() {
    local dir="${1:-}" made=""
    [[ "$FIRST_PORT" =~ ^[0-9]+$ ]] && ((FIRST_PORT >= 1024 && FIRST_PORT + PORT_TRIES <= 65536)) \
        || die "NDESK_PG_PORT must be a port number between 1024 and $((65536 - PORT_TRIES))."
    if [[ -z "$dir" ]]; then
        dir="$(mktemp -d "${TMPDIR:-/tmp}/ndesk-pg.XXXXXX")"
        made=1
    fi
    mkdir -p "$dir"
    dir="$(cd "$dir" && pwd)"
    BINDIR="$(find_bindir)"
    if [[ -z "$BINDIR" ]]; then
        install_postgres
        BINDIR="$(find_bindir)"
        [[ -n "$BINDIR" ]] || die "PostgreSQL was installed but no initdb was found under /usr/lib/postgresql."
    fi
    if is_running "$dir"; then
        url_of "$dir"
        return 0
    fi
    if [[ "$(id -u)" -eq 0 ]]; then
        chown postgres: "$dir"
        chmod 700 "$dir"
    fi
    if [[ ! -f "$dir/data/PG_VERSION" ]]; then
        [[ -z "$(ls -A "$dir" 2>/dev/null)" ]] || die "$dir is neither empty nor a cluster made by this script."
        as_owner mkdir -p "$dir/data" "$dir/socket"
        as_owner "$BINDIR/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 \
            >"$dir/initdb.log" 2>&1 || die "initdb failed (see $dir/initdb.log)."
        as_owner touch "$dir/server.log"
        start_server "$dir"
        psql_super "$dir" -c "CREATE ROLE \"$PG_USER\" LOGIN CREATEDB" \
            || die "could not create the role $PG_USER."
        psql_super "$dir" -c "CREATE DATABASE \"$PG_DB\" OWNER \"$PG_USER\"" \
            || die "could not create the database $PG_DB."
    else
        start_server "$dir"
    fi
    [[ -n "$made" ]] && echo "pg_cluster: cluster in $dir (stop with: $0 stop $dir)" >&2
    url_of "$dir"
}

cmd_stop() {
    local dir="${1:-}"
    [[ -n "$dir" ]] || usage
    [[ -e "$dir" ]] || return 0
    [[ -f "$dir/data/PG_VERSION" || -z "$(ls -A "$dir" 2>/dev/null)" ]] \
        || die "$dir is not a cluster made by this script; not removing it."
    BINDIR="$(find_bindir)"
    if [[ -n "$BINDIR" ]] && is_running "$dir"; then
        as_owner "$BINDIR/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null 2>&1 \
            || die "the server in $dir did not stop."
    fi
    rm -rf "$dir"
}

cmd_url() {
    local dir="${1:-}"
    [[ -n "$dir" ]] || usage
    BINDIR="$(find_bindir)"
    [[ -n "$BINDIR" ]] && is_running "$dir" || die "no running cluster in $dir."
    url_of "$dir"
}

case "${1:-}" in
    start) shift; cmd_start "$@" ;;
    stop) shift; cmd_stop "$@" ;;
    url) shift; cmd_url "$@" ;;
    *) usage ;;
esac
