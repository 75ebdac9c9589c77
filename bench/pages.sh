#!/usr/bin/env bash
# `make bench`: a dedicated PostgreSQL cluster (kept in .local/bench-pg so re-runs skip the
# catalog load), production-like settings, then bench/pages.py. Arguments go to pages.py.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "wrk is not installed (Debian: apt-get install wrk)" >&2; exit 1; }

source bench/catalog-env.sh
.venv/bin/python bench/pages.py "$@"
