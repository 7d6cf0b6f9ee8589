#!/usr/bin/env bash
# npm run demo: PostgreSQL and Redis, a build, then src/demo/demo.ts migrates, starts api + worker,
# seeds the demo operator and stays up until Ctrl-C. Arguments go to demo.ts (--seed-only,
# --subscribers N).
source "$(dirname "$0")/common.sh"
trap stop_started_services EXIT
echo "[demo] building" >&2
npm run --silent build >&2
# The demo runs as a child we wait for, so a signal to this script (kill, a service manager's
# stop) reaches it: it stops api, worker and peers, and only then are the services stopped
# (killed first, they left a worker retrying a Redis that was gone). Ctrl-C reaches the demo
# itself, being in the same process group, so the script ignores it rather than send a second.
node dist/src/demo/demo.js "$@" &
demo=$!
trap 'kill -TERM "$demo" 2>/dev/null' TERM HUP
trap '' INT
wait "$demo"; status=$?
while kill -0 "$demo" 2>/dev/null; do wait "$demo"; status=$?; done
exit "$status"
