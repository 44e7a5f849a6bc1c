#!/usr/bin/env bash
# What the tests need beyond Node and npm: Debian's chromium (the report's browser tests, driven by
# playwright-core) and docker-compose (compose files checked with `docker-compose config`; no Docker engine
# is needed). Installs whichever is missing with apt-get, as root; without root or apt it stops at once and
# says what to install. `npm run test:all` runs this, then `npm test`.
set -euo pipefail

need=()
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || need+=(chromium)
command -v docker-compose >/dev/null 2>&1 || need+=(docker-compose)
if [ ${#need[@]} -eq 0 ]; then
  echo "test deps: chromium and docker-compose are installed"
  exit 0
fi

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  why="not root"
  command -v apt-get >/dev/null 2>&1 || why="no apt-get on this machine"
  echo "test deps: missing ${need[*]} and cannot install them here (${why})." >&2
  echo "  On Debian or Ubuntu:  sudo apt-get install -y --no-install-recommends ${need[*]}" >&2
  echo "  Elsewhere: install Chromium at /usr/bin/chromium and docker-compose (v1 or the v2 standalone), then run: npm test" >&2
  exit 1
fi

echo "test deps: installing ${need[*]} from Debian's packages"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${need[@]}"
