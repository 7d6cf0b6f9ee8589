#!/usr/bin/env bash
# Makes PostgreSQL and Redis available to the project and prints their URLs as shell exports.
#
#   scripts/services.sh start   use DATABASE_URL / REDIS_URL when reachable, else start private
#                               instances under .data/ on free ports (installing the servers
#                               with apt-get when missing and running as root)
#   scripts/services.sh stop    stop the private instances
#   scripts/services.sh pgbouncer  print the path of pgbouncer, installing it with apt-get when
#                               missing (root only): the PgBouncer test runs one of its own
#
# Progress goes to stderr; stdout carries only the export lines, so callers can `eval` it.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
DATA="$ROOT/.data"
DB_NAME=${DB_NAME:-outage}

say() { echo "[services] $*" >&2; }
die() { echo "[services] ERROR: $*" >&2; exit 1; }

free_port() {
  node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

pg_bindir() {
  local d
  if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then pg_config --bindir; return; fi
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [ -x "$d/initdb" ] && { echo "$d"; return; }
  done
}

apt_install() {
  if [ "$(id -u)" != 0 ]; then
    die "$1 is not installed. Install it (Debian/Ubuntu: sudo apt-get install -y $2)${3:+ or set $3 to a running server}."
  fi
  say "installing $2 with apt-get (first run only)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2 && apt-get install -y -qq $2 >&2 || die "apt-get install $2 failed"
}

as_pg_owner() {
  # From /: the postgres user may not be allowed into the current directory.
  if [ "$(id -u)" = 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

# Where the private cluster lives: .data/pg, unless (as root) the postgres user cannot reach the
# checkout, as when it is cloned into root's home (mode 0700): then a directory of its own under
# /var/lib, named after the checkout, so every run of this checkout finds the same cluster.
pg_dir() {
  if [ "$(id -u)" != 0 ] || runuser -u postgres -- test -x "$ROOT" 2>/dev/null; then
    echo "$DATA/pg"
  else
    echo "/var/lib/outage-notifier/$(basename "$ROOT")-$(printf %s "$ROOT" | sha1sum | cut -c1-8)/pg"
  fi
}

start_postgres() {
  if [ -n "${DATABASE_URL:-}" ] && pg_isready -q -d "$DATABASE_URL" 2>/dev/null; then
    say "using PostgreSQL at DATABASE_URL"; echo "export DATABASE_URL='$DATABASE_URL'"; return
  fi
  [ -n "${DATABASE_URL:-}" ] && say "DATABASE_URL is not reachable; starting a private PostgreSQL instead"
  local bin dir port
  dir=$(pg_dir)
  bin=$(pg_bindir || true)
  if [ -z "$bin" ]; then
    apt_install "PostgreSQL" "postgresql postgresql-contrib" DATABASE_URL
    bin=$(pg_bindir) || die "PostgreSQL binaries not found after install"
  fi
  mkdir -p "$dir"
  [ "$dir" = "$DATA/pg" ] || say "the postgres user cannot reach $ROOT; the private cluster is kept in $dir"
  if [ -f "$dir/data/postmaster.pid" ] && [ -f "$dir/port" ] && as_pg_owner "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
    port=$(cat "$dir/port")
  else
    [ "$(id -u)" = 0 ] && chown -R postgres "$dir"
    if [ ! -f "$dir/data/PG_VERSION" ]; then
      say "initialising a private PostgreSQL cluster in $dir"
      as_pg_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
        || die "initdb failed, see $dir/initdb.log"
    fi
    port=$(free_port)
    echo "$port" >"$dir/port"
    [ "$(id -u)" = 0 ] && chown postgres "$dir/port"
    as_pg_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 start -o \
      "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories=$dir -c shared_buffers=512MB \
       -c max_wal_size=4GB -c checkpoint_timeout=15min -c wal_level=minimal -c max_wal_senders=0 \
       -c maintenance_work_mem=512MB -c work_mem=32MB -c max_connections=200" >&2 \
      || die "PostgreSQL did not start, see $dir/postgres.log"
    say "private PostgreSQL on 127.0.0.1:$port"
    echo "export STARTED_POSTGRES=1"
  fi
  local url="postgres://postgres@127.0.0.1:$port/$DB_NAME"
  if ! "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -Atqc "select 1 from pg_database where datname='$DB_NAME'" postgres | grep -q 1; then
    "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -qc "create database \"$DB_NAME\"" postgres >&2
  fi
  echo "export DATABASE_URL='$url'"
}

start_redis() {
  if [ -n "${REDIS_URL:-}" ] && command -v redis-cli >/dev/null && [ "$(redis-cli -u "$REDIS_URL" ping 2>/dev/null)" = PONG ]; then
    say "using Redis at REDIS_URL"; echo "export REDIS_URL='$REDIS_URL'"; return
  fi
  [ -n "${REDIS_URL:-}" ] && say "REDIS_URL is not reachable; starting a private Redis instead"
  command -v redis-server >/dev/null || apt_install "Redis" "redis-server" REDIS_URL
  local dir="$DATA/redis" port
  mkdir -p "$dir"
  if [ -f "$dir/port" ] && [ "$(redis-cli -p "$(cat "$dir/port")" ping 2>/dev/null)" = PONG ]; then
    port=$(cat "$dir/port")
  else
    port=$(free_port)
    echo "$port" >"$dir/port"
    # No persistence: Redis is the conveyor, PostgreSQL the ledger (DESIGN principle 1).
    redis-server --port "$port" --bind 127.0.0.1 --daemonize yes --dir "$dir" --pidfile "$dir/redis.pid" \
      --logfile "$dir/redis.log" --save '' --appendonly no --maxmemory-policy noeviction >&2 \
      || die "Redis did not start, see .data/redis/redis.log"
    for _ in $(seq 50); do [ "$(redis-cli -p "$port" ping 2>/dev/null)" = PONG ] && break; sleep 0.1; done
    say "private Redis on 127.0.0.1:$port"
    echo "export STARTED_REDIS=1"
  fi
  echo "export REDIS_URL='redis://127.0.0.1:$port'"
}

pgbouncer_path() {
  local bin
  bin=$(command -v pgbouncer || ls /usr/sbin/pgbouncer 2>/dev/null || true)
  if [ -z "$bin" ]; then
    apt_install "PgBouncer" "pgbouncer"
    bin=/usr/sbin/pgbouncer
    [ -x "$bin" ] || die "pgbouncer not found after install"
  fi
  echo "$bin"
}

stop_all() {
  local bin what=${2:-all} dir
  bin=$(pg_bindir || true)
  dir=$(pg_dir)
  if [ "$what" != redis ] && [ -n "$bin" ] && [ -f "$dir/data/postmaster.pid" ]; then
    as_pg_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >&2 || true
  fi
  if [ "$what" != postgres ] && [ -f "$DATA/redis/port" ]; then redis-cli -p "$(cat "$DATA/redis/port")" shutdown nosave >/dev/null 2>&1 || true; fi
}

case "${1:-start}" in
  start) start_postgres; start_redis ;;
  stop) stop_all "$@" ;;
  pgbouncer) pgbouncer_path ;;
  *) die "usage: $0 start | stop [all|postgres|redis] | pgbouncer" ;;
esac
