#!/usr/bin/env bash
# `make run`: from a fresh clone to a running store in one command, and a fast restart after.
# Set-up steps are idempotent; web, worker and beat run under honcho so Ctrl-C stops them all,
# and the private PostgreSQL cluster (if this script started it) is stopped on exit too.
set -euo pipefail
cd "$(dirname "$0")/.."

# Local development settings live in a git-ignored .env, written once with a random SECRET_KEY, so
# that `manage.py` commands typed by hand later see the same settings as this script.
if [ ! -f .env ]; then
  key=$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')
  printf '# Written by `make run` for local development; see .env.example.\nDEBUG=true\nSECRET_KEY=%s\n' "$key" > .env
  chmod 600 .env
  echo "==> Wrote .env for local development (DEBUG=true)"
fi
export DEBUG=${DEBUG:-true} PORT=${PORT:-8000} WEB_PORT=${PORT:-8000}
export LOCAL_PG_PORT=${LOCAL_PG_PORT:-54320}

make --no-print-directory setup

started_db=""
if [ -z "${DATABASE_URL:-}" ]; then
  if [ ! -f .local/pgdata/postmaster.pid ]; then started_db=1; fi
  scripts/pg.sh start .local/pgdata "$LOCAL_PG_PORT"
fi
# The aspect pass runs beside the server (see below); it stops before the database does.
refresh_pid=""
stop_all() {
  if [ -n "$refresh_pid" ]; then kill "$refresh_pid" 2>/dev/null || true; wait "$refresh_pid" 2>/dev/null || true; fi
  if [ -n "$started_db" ]; then scripts/pg.sh stop .local/pgdata; fi
}
trap stop_all EXIT

PY=.venv/bin/python
echo "==> Applying database migrations"
$PY manage.py migrate --noinput -v0
$PY manage.py load_demo_store --if-empty
$PY manage.py ensure_staff_account
echo "==> Queuing the first training of every model for the worker (pages use baselines until each is ready)"
$PY manage.py train all --missing
# Scoring the demo reviews and finding each product's aspects takes minutes of one core on a first
# run: it runs at low priority beside the server instead of before it (product pages show aspects
# as they are computed; a restart finds nothing left to do).
mkdir -p .local/logs
echo "==> Scoring reviews and product aspects in the background (progress: .local/logs/sentiment_refresh.log)"
nice -n 15 $PY manage.py sentiment_refresh > .local/logs/sentiment_refresh.log 2>&1 &
refresh_pid=$!

mkdir -p .local/broker/queue .local/broker/processed
echo "==> Serving on http://127.0.0.1:$PORT  (Ctrl-C stops the web server, worker and scheduler)"
.venv/bin/honcho -f Procfile start
