#!/usr/bin/env bash
# npm run demo: PostgreSQL and Redis, a build, then src/demo/demo.ts migrates, starts api + worker,
# seeds the demo operator and stays up until Ctrl-C. Arguments go to demo.ts (--seed-only,
# --subscribers N).
source "$(dirname "$0")/common.sh"
trap stop_started_services EXIT
echo "[demo] building" >&2
npm run --silent build >&2
node dist/src/demo/demo.js "$@"
