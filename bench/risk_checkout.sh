#!/usr/bin/env bash
# What the fraud check adds to checkout (bench/risk_checkout.py), on the small demo store (SCALE=tiny for
# a quick run) in a cluster of its own (.local/risk-bench-pg, kept: a second run skips the load and the
# training).
set -euo pipefail
cd "$(dirname "$0")/.."
port=${RISK_BENCH_PG_PORT:-54341}
scripts/pg.sh start .local/risk-bench-pg "$port"
trap 'scripts/pg.sh stop .local/risk-bench-pg' EXIT
export DATABASE_URL="postgres://postgres@127.0.0.1:$port/storefront" DEBUG=false SECRET_KEY=bench-only \
  ALLOWED_HOSTS=127.0.0.1,testserver SECURE_SSL_REDIRECT=false SESSION_COOKIE_SECURE=false \
  CSRF_COOKIE_SECURE=false MODEL_ROOT="$PWD/.local/risk-bench-models" ML_DEVICE=cpu \
  LOG_LEVEL=WARNING DJANGO_READ_DOT_ENV=false CELERY_TASK_ALWAYS_EAGER=true
.venv/bin/python manage.py migrate --noinput -v0
.venv/bin/python manage.py load_demo_store --scale "${SCALE:-small}" --if-empty
.venv/bin/python bench/risk_checkout.py --orders "${ORDERS:-300}"
