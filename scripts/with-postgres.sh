#!/usr/bin/env bash
# Run a command with a throwaway PostgreSQL: its own data dir, socket dir and port; stopped after.
# Exports ORDERHUB_TEST_PG_URL for the command. Usage: scripts/with-postgres.sh CMD [ARGS...]
set -euo pipefail

bindir=$(dirname "$(ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n1)" 2>/dev/null || true)
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
  bindir=$(dirname "$(command -v initdb)")
fi

workdir=$(mktemp -d /tmp/orderhub-pg.XXXXXX)
port=${ORDERHUB_TEST_PG_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}

as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

user=$(id -un)
if [ "$(id -u)" -eq 0 ]; then
  user=postgres
  chown postgres "$workdir"
fi
chmod 700 "$workdir"

stop() {
  as_pg "$bindir/pg_ctl" -D "$workdir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$workdir"
}
trap stop EXIT INT TERM

as_pg "$bindir/initdb" -D "$workdir/data" -A trust -U "$user" -E UTF8 --locale=C.UTF-8 >/dev/null
as_pg "$bindir/pg_ctl" -D "$workdir/data" -l "$workdir/server.log" -w -o \
  "-p $port -k $workdir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
  start >/dev/null
as_pg "$bindir/createdb" -h "$workdir" -p "$port" -U "$user" orderhub_test

export ORDERHUB_TEST_PG_URL="postgresql+psycopg://$user@127.0.0.1:$port/orderhub_test"
echo "throwaway PostgreSQL on 127.0.0.1:$port (socket dir $workdir)"
"$@"
