#!/usr/bin/env bash
# npm test: unit, integration and end-to-end suites against real PostgreSQL and Redis.
#   TEST_TIME_LIMIT_SECONDS (1800): the whole run fails past this, so a hang cannot eat CI's budget.
#   TEST_SKIP_BUILD=1: skip building dist/ (the process tests run `node dist/src/main.js`).
source "$(dirname "$0")/common.sh"
trap stop_started_services EXIT
if [ "${TEST_SKIP_BUILD:-0}" != 1 ]; then
  echo "[test] building (the process tests run the built service)" >&2
  npm run --silent build >&2
fi
[ $# -eq 0 ] && bash scripts/web.sh test # the console's unit tests, on full runs
bash scripts/web.sh build && bash scripts/web.sh chromium # the browser tests drive the built console
limit=${TEST_TIME_LIMIT_SECONDS:-1800}
status=0
timeout --kill-after=30s "$limit" npx jest "$@" || status=$?
if [ "$status" = 124 ] || [ "$status" = 137 ]; then
  echo "[test] FAILED: the run took longer than ${limit} s and was stopped (a hang: the last suite named above was still running)" >&2
fi
exit "$status"
