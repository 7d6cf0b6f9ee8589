#!/usr/bin/env bash
# Runs a command with DATABASE_URL / REDIS_URL pointing at running servers (benchmarks, tools).
source "$(dirname "$0")/common.sh"
trap stop_started_services EXIT
npx "$@"
