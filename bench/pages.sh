#!/usr/bin/env bash
# `make bench`: a dedicated PostgreSQL cluster (kept in .local/bench-pg so re-runs skip the
# catalog load), production-like settings, then bench/pages.py. Arguments go to pages.py.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "wrk is not installed (Debian: apt-get install wrk)" >&2; exit 1; }

port=${BENCH_PG_PORT:-54330}
scripts/pg.sh start .local/bench-pg "$port"
trap 'scripts/pg.sh stop .local/bench-pg' EXIT

export DATABASE_URL="postgres://postgres@127.0.0.1:$port/storefront"
export DEBUG=false SECRET_KEY=bench-only-secret-key ALLOWED_HOSTS=127.0.0.1,localhost,testserver
export SECURE_SSL_REDIRECT=false SESSION_COOKIE_SECURE=false CSRF_COOKIE_SECURE=false
export MEDIA_ROOT="$PWD/.local/bench-media" LOG_LEVEL=WARNING
.venv/bin/python manage.py migrate --noinput -v0
.venv/bin/python bench/pages.py "$@"
