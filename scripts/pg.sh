#!/usr/bin/env bash
# A private PostgreSQL cluster for development and tests, made with the machine's initdb/pg_ctl.
#
#   scripts/pg.sh start DIR PORT   initialise DIR if needed, start the server, create the database
#   scripts/pg.sh stop DIR         stop the server
#
# PostgreSQL refuses to run as root, so as root the cluster belongs to the `postgres` system user
# and every server command runs through `runuser -u postgres --`. It listens on 127.0.0.1 only,
# with trust authentication: it is a local development server, never a production one.
set -euo pipefail

find_pg_bin() {
  for candidate in "$(dirname "$(command -v pg_ctl 2>/dev/null || echo /nonexistent)")" /usr/lib/postgresql/*/bin; do
    if [ -x "$candidate/initdb" ] && [ -x "$candidate/pg_ctl" ]; then
      echo "$candidate"
      return 0
    fi
  done
  echo "PostgreSQL server binaries (initdb, pg_ctl) were not found." >&2
  echo "Install them (Debian/Ubuntu: apt-get install postgresql postgresql-contrib) or set DATABASE_URL." >&2
  return 1
}

as_owner() {
  if [ "$(id -u)" = "0" ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

cmd=${1:?usage: pg.sh start|stop DIR [PORT]}
dir=$(realpath -m "${2:?cluster folder required}")
port=${3:-54320}
bin=$(find_pg_bin)

case "$cmd" in
  start)
    mkdir -p "$dir"
    if [ "$(id -u)" = "0" ]; then
      id postgres >/dev/null 2>&1 || { echo "Running as root needs the 'postgres' system user." >&2; exit 1; }
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
      echo "==> Starting PostgreSQL on 127.0.0.1:$port"
      as_owner "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 60 \
        -o "-p $port -c listen_addresses=127.0.0.1 -k $dir -c fsync=${PG_FSYNC:-on}" start >/dev/null
    fi
    if ! psql -h 127.0.0.1 -p "$port" -U postgres -Atc "select 1 from pg_database where datname='storefront'" postgres | grep -q 1; then
      psql -h 127.0.0.1 -p "$port" -U postgres -qc "create database storefront" postgres
    fi
    ;;
  stop)
    if [ -f "$dir/postmaster.pid" ]; then
      as_owner "$bin/pg_ctl" -D "$dir" -m fast -w stop >/dev/null && echo "==> PostgreSQL in $dir stopped"
    fi
    ;;
  *)
    echo "usage: pg.sh start|stop DIR [PORT]" >&2
    exit 2
    ;;
esac
