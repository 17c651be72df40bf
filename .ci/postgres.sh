#!/usr/bin/env bash
# Starts a throwaway PostgreSQL server on loopback, in a temporary directory,
# for the store/postgres tests; installs it from Debian's packages first if
# the machine has none. Usage:
#
#   source .ci/postgres.sh   # starts it and exports C360_POSTGRES_URL
#   pg_stop                  # stops it and removes its directory
#
# Developers can source it too. The server trusts local connections, has
# fsync off (it is thrown away) and listens on 127.0.0.1 only.

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true; }

PGBIN=$(pg_bin)
if [ -z "$PGBIN" ]; then
  echo "postgres: installing the server from Debian's packages"
  export DEBIAN_FRONTEND=noninteractive
  # Keep the package scripts from starting a system cluster (no init system
  # here): policy-rc.d answering 101 is Debian's way to say "do not start".
  added_policy=
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && added_policy=1
  fi
  apt-get update -qq
  apt-get install -y -qq postgresql >/dev/null
  if [ -n "$added_policy" ]; then rm -f /usr/sbin/policy-rc.d; fi
  PGBIN=$(pg_bin)
fi
if [ -z "$PGBIN" ]; then
  echo "postgres: no server binaries found after installing" >&2
  return 1 2>/dev/null || exit 1
fi

PG_DIR=$(mktemp -d /tmp/c360-pg.XXXXXX)
PG_PORT=${C360_PG_PORT:-54329}
as_pg() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}
if [ "$(id -u)" = 0 ]; then
  chown postgres "$PG_DIR"
fi
as_pg "$PGBIN/initdb" -D "$PG_DIR/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
as_pg "$PGBIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w \
  -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null
export C360_POSTGRES_URL="postgres://postgres@127.0.0.1:$PG_PORT/postgres?sslmode=disable"
echo "postgres: throwaway server at $C360_POSTGRES_URL (dir $PG_DIR)"

pg_stop() {
  as_pg "$PGBIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$PG_DIR"
}
