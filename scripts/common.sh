# Sourced by the entry scripts: installs npm dependencies when needed and loads the service URLs.
# Services this shell started are stopped again when it exits, unless KEEP_SERVICES=1.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "[setup] installing npm dependencies" >&2
  # Some npm 11 builds write a lock without other platforms' optional packages and then refuse it
  # in `npm ci`; `npm install` still honours the locked versions.
  npm ci --no-audit --no-fund >&2 || npm install --no-audit --no-fund >&2
fi
bash scripts/web.sh install
STARTED_POSTGRES='' STARTED_REDIS=''
eval "$(bash scripts/services.sh start)"
export DATABASE_URL REDIS_URL
stop_started_services() {
  [ "${KEEP_SERVICES:-0}" = 1 ] && return
  [ -n "$STARTED_POSTGRES" ] && bash scripts/services.sh stop postgres
  [ -n "$STARTED_REDIS" ] && bash scripts/services.sh stop redis
  return 0
}
