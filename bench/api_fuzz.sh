#!/usr/bin/env bash
# A longer schemathesis campaign than CI's: EXAMPLES requests per operation (default 200), as an
# anonymous client and as a signed-in customer, against a throwaway PostgreSQL. Prints the counts.
set -euo pipefail
cd "$(dirname "$0")/.."
API_FUZZ_EXAMPLES=${EXAMPLES:-200} scripts/test.sh tests/test_api_fuzz.py -q -s -p no:randomly --tb=short 2>&1 \
  | grep -E "^API fuzzing|passed|failed|^E " || true
