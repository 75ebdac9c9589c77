#!/usr/bin/env bash
# The dashboard benchmark on the page benchmark's PostgreSQL cluster (.local/bench-pg, its 50,000-product
# store kept between runs) with production-like settings. Arguments go to bench/dashboard.py.
set -euo pipefail
cd "$(dirname "$0")/.."

port=${BENCH_PG_PORT:-54330}
scripts/pg.sh start .local/bench-pg "$port"
trap 'scripts/pg.sh stop .local/bench-pg' EXIT

export DATABASE_URL="postgres://postgres@127.0.0.1:$port/storefront"
export DEBUG=false SECRET_KEY=bench-only-secret-key ALLOWED_HOSTS=127.0.0.1,localhost,testserver
export SECURE_SSL_REDIRECT=false SESSION_COOKIE_SECURE=false CSRF_COOKIE_SECURE=false
export MEDIA_ROOT="$PWD/.local/bench-media" LOG_LEVEL=WARNING
.venv/bin/python manage.py migrate --noinput -v0
.venv/bin/python bench/dashboard.py "$@"
