# Sourced by the entry scripts: installs npm dependencies when needed and loads the service URLs.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "[setup] installing npm dependencies" >&2
  npm ci --no-audit --no-fund >&2
fi
eval "$(bash scripts/services.sh start)"
export DATABASE_URL REDIS_URL
