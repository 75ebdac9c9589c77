#!/usr/bin/env bash
# `make bench-recs`: the recommender's full retrain against bare implicit, and API p99, on the large
# demo store in a cluster of its own (.local/recs-bench-pg, kept: the first load takes ~12 minutes).
set -euo pipefail
cd "$(dirname "$0")/.."
port=${RECS_BENCH_PG_PORT:-54340}
scripts/pg.sh start .local/recs-bench-pg "$port"
trap 'scripts/pg.sh stop .local/recs-bench-pg' EXIT
export DATABASE_URL="postgres://postgres@127.0.0.1:$port/storefront" DEBUG=false SECRET_KEY=bench-only \
  ALLOWED_HOSTS=127.0.0.1,testserver SECURE_SSL_REDIRECT=false SESSION_COOKIE_SECURE=false \
  CSRF_COOKIE_SECURE=false MODEL_ROOT="$PWD/.local/recs-bench-models" ML_DEVICE=${ML_DEVICE:-cpu} \
  LOG_LEVEL=WARNING API_THROTTLE_ANON=1000000/min API_THROTTLE_USER=1000000/min DJANGO_READ_DOT_ENV=false
.venv/bin/python manage.py migrate --noinput -v0
.venv/bin/python manage.py load_demo_store --scale large --if-empty
.venv/bin/python manage.py collectstatic --noinput -v0
.venv/bin/python bench/recs_retrain.py --repeats "${REPEATS:-1}"
.venv/bin/python bench/recs_serving.py --requests "${REQUESTS:-1000}"
