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
stop_db() { if [ -n "$started_db" ]; then scripts/pg.sh stop .local/pgdata; fi; }
trap stop_db EXIT

PY=.venv/bin/python
echo "==> Applying database migrations"
$PY manage.py migrate --noinput -v0
$PY manage.py load_demo_store --if-empty
$PY manage.py ensure_staff_account
echo "==> Scoring review sentiment and product aspects not yet computed"
$PY manage.py sentiment_refresh
echo "==> Queuing the first training of every model for the worker (pages use baselines until each is ready)"
$PY manage.py train all --missing

mkdir -p .local/broker/queue .local/broker/processed
echo "==> Serving on http://127.0.0.1:$PORT  (Ctrl-C stops the web server, worker and scheduler)"
.venv/bin/honcho -f Procfile start
