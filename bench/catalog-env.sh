# Sourced by bench/pages.sh and bench/dashboard.sh: the 50,000-product store's PostgreSQL cluster
# (.local/bench-pg, kept between runs so re-runs skip the catalog load), started here and stopped on
# exit, production-like settings, and migrations.
port=${BENCH_PG_PORT:-54330}
scripts/pg.sh start .local/bench-pg "$port"
trap 'scripts/pg.sh stop .local/bench-pg' EXIT

export DATABASE_URL="postgres://postgres@127.0.0.1:$port/storefront"
export DEBUG=false SECRET_KEY=bench-only-secret-key ALLOWED_HOSTS=127.0.0.1,localhost,testserver
export SECURE_SSL_REDIRECT=false SESSION_COOKIE_SECURE=false CSRF_COOKIE_SECURE=false
export MEDIA_ROOT="$PWD/.local/bench-media" LOG_LEVEL=WARNING
.venv/bin/python manage.py migrate --noinput -v0
