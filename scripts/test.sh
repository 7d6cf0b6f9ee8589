#!/usr/bin/env bash
# npm test: unit, integration and end-to-end suites against real PostgreSQL and Redis.
source "$(dirname "$0")/common.sh"
trap stop_started_services EXIT
npx jest "$@"
