#!/usr/bin/env bash
# A throw-away PostgreSQL server for the test suites: its own data directory, 127.0.0.1 only, a
# free port, a password, stopped by its own pid file. Used by .ci/run for the whole run and by
# test-support's TestPostgres when no server is given (CHAT_TEST_PG_URL unset).
#
#   scripts/pg-test.sh start DIR    initdb into DIR, start, print the admin URL
#                                   (postgresql://postgres:PASSWORD@127.0.0.1:PORT/postgres)
#   scripts/pg-test.sh stop DIR     stop the server started in DIR (pg_ctl, by its pid file)
#   scripts/pg-test.sh resume DIR   start the stopped server of DIR again, on the same port
#                                   (fault tests: a server that goes away and comes back)
#
# As root the server runs as the `postgres` system user (initdb refuses root), through runuser.
# Binaries: CHAT_TEST_PG_BIN, else the newest /usr/lib/postgresql/*/bin, else the PATH.
set -euo pipefail

cmd="${1:-}"
dir="${2:-}"
if [[ -z "$cmd" || -z "$dir" ]]; then
  sed -n '2,13p' "$0" >&2
  exit 2
fi

bin="${CHAT_TEST_PG_BIN:-}"
if [[ -z "$bin" ]]; then
  bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
fi
if [[ -n "$bin" ]]; then
  PATH="$bin:$PATH"
fi
command -v initdb >/dev/null 2>&1 || { echo "pg-test: initdb not found (apt-get install postgresql)" >&2; exit 3; }

as_owner() {
  if [[ "$(id -u)" -eq 0 ]]; then
    runuser -u postgres -- env PATH="$PATH" "$@"
  else
    "$@"
  fi
}

# Starts the server of $dir on $port (durability is not under test here: fsync off makes the
# suites fast).
serve() {
  as_owner pg_ctl -D "$dir/data" -l "$dir/server.log" -w -t 60 start \
    -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories='$dir' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
    >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
}

case "$cmd" in
  start)
    if [[ -e "$dir/data" ]]; then
      echo "pg-test: $dir/data exists already; use a new directory" >&2
      exit 1
    fi
    mkdir -p "$dir"
    dir="$(cd "$dir" && pwd)"
    if [[ "$(id -u)" -eq 0 ]]; then
      chown postgres "$dir"
    fi
    password="chatbus-test-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
    printf '%s\n' "$password" > "$dir/pwfile"
    chmod 600 "$dir/pwfile"
    if [[ "$(id -u)" -eq 0 ]]; then
      chown postgres "$dir/pwfile"
    fi
    as_owner initdb -D "$dir/data" -U postgres --pwfile="$dir/pwfile" --auth=scram-sha-256 \
      -E UTF8 --no-locale >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
    # A free port: ask the kernel for one on loopback (python3), else try random ones until
    # nothing answers there.
    if command -v python3 >/dev/null 2>&1; then
      port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
    else
      while :; do
        port=$((20000 + RANDOM % 40000))
        (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || break
      done
    fi
    serve
    printf '%s\n' "$port" > "$dir/port"
    echo "postgresql://postgres:$password@127.0.0.1:$port/postgres"
    ;;
  resume)
    dir="$(cd "$dir" && pwd)"
    port="$(cat "$dir/port")"
    serve
    ;;
  stop)
    if [[ -f "$dir/data/postmaster.pid" ]]; then
      as_owner pg_ctl -D "$dir/data" -m fast -w -t 60 stop >/dev/null
    fi
    ;;
  *)
    echo "pg-test: unknown command $cmd" >&2
    exit 2
    ;;
esac
