#!/usr/bin/env bash
# Load benchmark (bench/load.py): the small demo store with trained models in a dedicated cluster
# (.local/load-pg, kept so re-runs skip the set-up), a private redis-server (cache and broker),
# gunicorn (config/gunicorn.py; WEB_WORKERS, default 3) and a Celery worker training a model during
# the whole run. Arguments go to bench/load.py.
set -euo pipefail
cd "$(dirname "$0")/.."

port=${LOAD_PG_PORT:-54331}
redis_port=${LOAD_REDIS_PORT:-56379}
scripts/pg.sh start .local/load-pg "$port"
pids=()
# As in production (docs/deployment.md): Redis is the cache every web worker shares and the broker.
redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --loglevel warning &
pids+=($!)
cleanup() {
  # Newest first, each waited for: the worker and gunicorn stop before Redis and PostgreSQL go.
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    kill "${pids[i]}" 2>/dev/null || true
    wait "${pids[i]}" 2>/dev/null || true
  done
  scripts/pg.sh stop .local/load-pg
}
trap cleanup EXIT

export DATABASE_URL="postgres://postgres@127.0.0.1:$port/storefront"
export REDIS_URL="redis://127.0.0.1:$redis_port/0"
export DEBUG=false SECRET_KEY=bench-only-secret-key ALLOWED_HOSTS=127.0.0.1,localhost DJANGO_READ_DOT_ENV=false
export SECURE_SSL_REDIRECT=false SESSION_COOKIE_SECURE=false CSRF_COOKIE_SECURE=false LOG_LEVEL=WARNING
export MODEL_ROOT="$PWD/.local/load-models" MEDIA_ROOT="$PWD/.local/load-media"
# Every virtual shopper is one customer hammering the API: lift the per-user API throttle for the run.
export API_THROTTLE_USER=1000000/min API_THROTTLE_ANON=1000000/min SUPPORT_API_THROTTLE=1000000/min
PY=.venv/bin/python

$PY manage.py migrate --noinput -v0
$PY manage.py load_demo_store --if-empty --scale small
$PY manage.py collectstatic --noinput -v0
if [ ! -f "$MODEL_ROOT/.trained" ]; then
  echo "==> Training every model once (first run only)"
  $PY manage.py train all --sync && touch "$MODEL_ROOT/.trained"
fi

WEB_BIND=127.0.0.1:8001 WEB_CONCURRENCY="${WEB_WORKERS:-3}" .venv/bin/gunicorn -c config/gunicorn.py config.wsgi \
  --log-level warning &
pids+=($!)
# Training is background work: at the lowest CPU priority it takes what the web processes leave.
nice -n 19 .venv/bin/celery -A config worker -Q default,gpu --concurrency 1 -l warning &
pids+=($!)
# Workers warm up (load the models) before they answer: wait for the first answer.
for _ in $(seq 300); do curl -fs http://127.0.0.1:8001/healthz >/dev/null && break; sleep 0.2; done

echo "==> Queuing a training run for the worker (als), then loading the site"
$PY manage.py train als
$PY bench/load.py --base http://127.0.0.1:8001 "$@"
$PY manage.py shell -v0 -c "from ml.models import TrainingRun; r = TrainingRun.objects.latest('created_at'); print(f'training during the run: {r.registered_model.name} {r.status} {r.percent}%')"
