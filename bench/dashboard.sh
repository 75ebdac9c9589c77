#!/usr/bin/env bash
# The dashboard benchmark on the page benchmark's PostgreSQL cluster (.local/bench-pg, its 50,000-product
# store kept between runs) with production-like settings. Arguments go to bench/dashboard.py.
set -euo pipefail
cd "$(dirname "$0")/.."

source bench/catalog-env.sh
.venv/bin/python bench/dashboard.py "$@"
