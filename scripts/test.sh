#!/usr/bin/env bash
# Runs the test suite against a throwaway PostgreSQL cluster: its own folder and port,
# stopped and removed afterwards whatever happens. Arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

cluster=$(mktemp -d /tmp/storefront-test-pg.XXXXXX)
chmod 755 "$cluster"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cleanup() {
  scripts/pg.sh stop "$cluster/data" >/dev/null 2>&1 || true
  rm -rf "$cluster"
}
trap cleanup EXIT INT TERM

PG_FSYNC=off scripts/pg.sh start "$cluster/data" "$port"
export DATABASE_URL="postgres://postgres@127.0.0.1:$port/storefront"
export DJANGO_READ_DOT_ENV=false DEBUG=true SECRET_KEY=test-only-secret-key MEDIA_ROOT="$cluster/media"
export TEST_PG_CLUSTER="$cluster/data"  # the fault tests stop and restart this server
unset REDIS_URL
mkdir -p staticfiles  # WhiteNoise warns on every request when STATIC_ROOT does not exist
.venv/bin/python -m pytest -p no:cacheprovider "$@"
