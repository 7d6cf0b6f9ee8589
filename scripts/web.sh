#!/usr/bin/env bash
# The console (web/): its own npm dependencies, build and unit tests.
#
#   scripts/web.sh install   npm ci in web/ when its lock is newer than what is installed
#   scripts/web.sh build     install, then build web/dist when a source is newer than the build
#   scripts/web.sh test      the console's unit tests (Vitest)
#   scripts/web.sh chromium  Debian's chromium for the browser tests, installed with apt-get when missing
set -euo pipefail
cd "$(dirname "$0")/../web"

install() {
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    echo "[web] installing the console's npm dependencies" >&2
    npm ci --no-audit --no-fund >&2
  fi
}

chromium() {
  [ -x /usr/bin/chromium ] && return
  if [ "$(id -u)" != 0 ]; then
    echo "[web] chromium is not installed: sudo apt-get install -y chromium (the browser tests need /usr/bin/chromium)" >&2
    exit 1
  fi
  echo "[web] installing chromium with apt-get (first run only)" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2 && apt-get install -y -qq chromium >&2
}

case "${1:-}" in
  chromium) chromium ;;
  install) install ;;
  build) # (prints the console's script sizes when it builds)
    install
    if [ ! -f dist/index.html ] || [ -n "$(find src public index.html vite.config.ts package-lock.json -newer dist/index.html -print -quit)" ]; then
      npm run build >&2
    fi
    ;;
  test) install; npx vitest run ;;
  *) echo "usage: scripts/web.sh install|build|test|chromium" >&2; exit 2 ;;
esac
