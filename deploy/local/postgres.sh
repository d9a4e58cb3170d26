#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster on 127.0.0.1:${VEIL_PG_PORT:-55432} for tests and local runs.
# Prints the JDBC URL. Data lives under ${VEIL_PG_DIR:-/tmp/veil-pg}; `postgres.sh stop` stops it.
set -euo pipefail
PORT="${VEIL_PG_PORT:-55432}"
DIR="${VEIL_PG_DIR:-/tmp/veil-pg}"
BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
if [ "${1:-start}" = "stop" ]; then
  as_pg "$BIN/pg_ctl" -D "$DIR" -m fast stop >/dev/null 2>&1 || true
  exit 0
fi
if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then useradd -r -m postgres; fi
if [ ! -f "$DIR/PG_VERSION" ]; then
  mkdir -p "$DIR"; [ "$(id -u)" -eq 0 ] && chown postgres "$DIR"
  as_pg "$BIN/initdb" -D "$DIR" -U veil --auth=trust -E UTF8 >/dev/null
fi
if ! as_pg "$BIN/pg_ctl" -D "$DIR" status >/dev/null 2>&1; then
  as_pg "$BIN/pg_ctl" -D "$DIR" -l "$DIR/server.log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $PORT -k $DIR -c fsync=off" start >/dev/null
fi
as_pg "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U veil -d postgres -tAc \
  "SELECT 1 FROM pg_database WHERE datname='veil_test'" | grep -q 1 \
  || as_pg "$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U veil veil_test
echo "jdbc:postgresql://127.0.0.1:$PORT/veil_test"
