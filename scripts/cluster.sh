#!/usr/bin/env bash
# The docker-compose topology as separate JVMs on loopback, for a machine without Docker:
# auth, chat and two gateways (http://127.0.0.1:8080 and :8081), clustered over Hazelcast with
# TCP/IP join on 127.0.0.1. The services get the same variables docker-compose.yml passes;
# only the addresses differ (127.0.0.1 and one Hazelcast port each, instead of service names).
#
#   scripts/cluster.sh start [service...]   start (all, in order) and wait until ready
#   scripts/cluster.sh stop [service...]    SIGTERM, wait for a clean exit (gateways first)
#   scripts/cluster.sh status               what runs, and the gateways' /health
#   scripts/cluster.sh restart [service...]
#
# CHAT_CLUSTER_TLS=1 runs the clustered event bus with TLS and client certificates: a throw-away
# CA and node store are made once with scripts/cluster-pki.sh in run/cluster/pki/ (or set
# CHAT_CLUSTER_TLS_KEYSTORE, ..._TRUSTSTORE and ..._KEYSTORE_PASSWORD_FILE yourself).
#
# CHAT_STORE=postgresql runs auth and chat on PostgreSQL with TWO chat instances (chat, chat2;
# CLUSTER_CHAT_INSTANCES=N for another number, 1 to 9):
# with CHAT_PG_URL unset, `start` starts a throw-away local server with scripts/pg-test.sh into
# run/cluster/postgres/ (127.0.0.1, a free port; its admin URL kept in run/cluster/pg-url, mode
# 600) and `stop` stops it last, by its pid file. The store and the number of chat instances
# chosen at `start` are remembered in run/cluster/, so `stop`, `status` and `restart` need no
# variable.
#
# Build first: mvn -B install -DskipTests. PIDs and logs go to run/cluster/ (git-ignored),
# data to data/cluster/<service>/ (kept across restarts). Processes are only ever stopped by the
# PIDs this script wrote, after checking the PID is still that service's java process.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
RUN_DIR="${CHAT_RUN_DIR:-$ROOT/run/cluster}"
DATA_ROOT="${CHAT_CLUSTER_DATA:-$ROOT/data/cluster}"
JAVA="${JAVA:-java}"
# Same heap rule as the containers (a share of the memory limit), with a fixed cap here.
JAVA_OPTS="${JAVA_OPTS:--Xmx256m -XX:+ExitOnOutOfMemoryError}"
START_TIMEOUT="${CHAT_START_TIMEOUT:-120}"
STOP_TIMEOUT="${CHAT_STOP_TIMEOUT:-40}"

export CHAT_CLUSTER_NAME="${CHAT_CLUSTER_NAME:-chatbus-local}"
export CHAT_CLUSTER_HOST="${CHAT_CLUSTER_HOST:-127.0.0.1}"

# The store: as given, else as the last start chose, else SQLite.
STORE_FILE="$RUN_DIR/store"
if [ -z "${CHAT_STORE:-}" ] && [ -f "$STORE_FILE" ]; then
  CHAT_STORE="$(cat "$STORE_FILE")"
fi
CHAT_STORE="${CHAT_STORE:-sqlite}"
export CHAT_STORE
PG_DIR="$RUN_DIR/postgres"
PG_URL_FILE="$RUN_DIR/pg-url"

# name module hazelcast-port http-port liveness-port (0: none). In the containers: 5701 each,
# gateways on 8080 (published as 8080 and 8081), liveness on 9090 for auth and chat.
SERVICES=(
  "auth auth-verticle 5701 0 9091"
  "chat chat-verticle 5702 0 9092"
  "gateway1 gateway-verticle 5703 8080 0"
  "gateway2 gateway-verticle 5704 8081 0"
)
HAZELCAST_PORTS=(5701 5702 5703 5704)
case "$CHAT_STORE" in
  sqlite) ;;
  postgresql)
    # More chat instances on the same database (SQLite allows only one): chat2 ... chatN on
    # Hazelcast 5705... and liveness 9093...; CLUSTER_CHAT_INSTANCES (default 2) says how many.
    if [ -z "${CLUSTER_CHAT_INSTANCES:-}" ] && [ -f "$RUN_DIR/chat-instances" ]; then
      CLUSTER_CHAT_INSTANCES="$(cat "$RUN_DIR/chat-instances")"
    fi
    chat_instances="${CLUSTER_CHAT_INSTANCES:-2}"
    [[ "$chat_instances" =~ ^[1-9]$ ]] || { echo "CLUSTER_CHAT_INSTANCES must be 1 to 9" >&2; exit 2; }
    for ((k = 2; k <= chat_instances; k++)); do
      SERVICES+=("chat$k chat-verticle $((5703 + k)) 0 $((9091 + k))")
      HAZELCAST_PORTS+=($((5703 + k)))
    done
    ;;
  *) echo "CHAT_STORE must be sqlite or postgresql, not '$CHAT_STORE'" >&2; exit 2 ;;
esac
# One member per line, as in docker-compose.yml (there: auth:5701, chat1:5701, ...).
CHAT_CLUSTER_MEMBERS="$(printf '127.0.0.1:%s\n' "${HAZELCAST_PORTS[@]}")"
export CHAT_CLUSTER_MEMBERS

if [ "${CHAT_CLUSTER_TLS:-0}" = 1 ] && [ -z "${CHAT_CLUSTER_TLS_KEYSTORE:-}" ]; then
  PKI_DIR="$RUN_DIR/pki"
  if [ ! -f "$PKI_DIR/node.p12" ]; then
    "$ROOT/scripts/cluster-pki.sh" "$PKI_DIR" >/dev/null
  fi
  export CHAT_CLUSTER_TLS_KEYSTORE="$PKI_DIR/node.p12"
  export CHAT_CLUSTER_TLS_TRUSTSTORE="$PKI_DIR/truststore.p12"
  export CHAT_CLUSTER_TLS_KEYSTORE_PASSWORD_FILE="$PKI_DIR/password"
fi

log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*"; }
die() { log "error: $*" >&2; exit 1; }

service_line() {
  local s
  for s in "${SERVICES[@]}"; do
    if [ "${s%% *}" = "$1" ]; then echo "$s"; return 0; fi
  done
  die "unknown service '$1' (auth, chat, gateway1, gateway2; chat2 with CHAT_STORE=postgresql)"
}

pid_file() { echo "$RUN_DIR/$1.pid"; }
log_file() { echo "$RUN_DIR/$1.log"; }

# The PID of a running service, or nothing. A PID file whose process is gone, or is no longer
# this service's java (PID reused), counts as not running.
running_pid() {
  local name=$1 module pid
  module=$(service_line "$name" | awk '{print $2}')
  [ -f "$(pid_file "$name")" ] || return 0
  pid=$(cat "$(pid_file "$name")")
  if [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] \
     && tr '\0' ' ' < "/proc/$pid/cmdline" | grep -q -- "$module-fat.jar"; then
    echo "$pid"
  fi
}

start_one() {
  local name=$1 module hz http live jar pid
  read -r name module hz http live <<<"$(service_line "$1")"
  jar="$ROOT/$module/target/$module-fat.jar"
  [ -f "$jar" ] || die "$jar is missing: run mvn -B install -DskipTests first"
  if [ -n "$(running_pid "$name")" ]; then
    log "$name already running (pid $(running_pid "$name"))"
    return 0
  fi
  mkdir -p "$RUN_DIR" "$DATA_ROOT/$name"
  : > "$(log_file "$name")"
  local env=(CHAT_CLUSTER_PORT="$hz" CHAT_DATA_DIR="$DATA_ROOT/$name")
  if [ "$http" != 0 ]; then
    env+=(CHAT_HTTP_HOST=127.0.0.1 CHAT_HTTP_PORT="$http")
  fi
  if [ "$live" != 0 ]; then
    env+=(CHAT_LIVENESS_PORT="$live")
  fi
  # shellcheck disable=SC2086
  env "${env[@]}" nohup "$JAVA" $JAVA_OPTS -jar "$jar" -cluster >>"$(log_file "$name")" 2>&1 &
  pid=$!
  echo "$pid" > "$(pid_file "$name")"
  if [ "$http" != 0 ]; then
    log "$name starting (pid $pid, hazelcast 127.0.0.1:$hz, http 127.0.0.1:$http)"
  else
    log "$name starting (pid $pid, hazelcast 127.0.0.1:$hz)"
  fi
}

await_ready() {
  local name=$1 deadline=$((SECONDS + START_TIMEOUT))
  until grep -q "Ready: .* deployed" "$(log_file "$name")" 2>/dev/null; do
    if [ -z "$(running_pid "$name")" ]; then
      tail -n 30 "$(log_file "$name")" >&2 || true
      die "$name exited during start; log: $(log_file "$name")"
    fi
    [ $SECONDS -lt $deadline ] || die "$name not ready after ${START_TIMEOUT}s; log: $(log_file "$name")"
    sleep 0.5
  done
  log "$name ready: $(grep -o "Joined cluster .*" "$(log_file "$name")" | tail -n 1)"
}

# PostgreSQL for auth and chat: CHAT_PG_URL as given, else the local throw-away server, started
# (or started again) here. Prints nothing; exports CHAT_PG_URL.
pg_start() {
  [ "$CHAT_STORE" = postgresql ] || return 0
  if [ -n "${CHAT_PG_URL:-}" ] && [ ! -f "$PG_URL_FILE" ]; then
    return 0
  fi
  mkdir -p "$RUN_DIR"
  if [ ! -d "$PG_DIR/data" ]; then
    log "postgres: a throw-away server in $PG_DIR (scripts/pg-test.sh)"
    ( umask 077; : > "$PG_URL_FILE" )
    "$ROOT/scripts/pg-test.sh" start "$PG_DIR" >> "$PG_URL_FILE" || { rm -f "$PG_URL_FILE"; die "postgres did not start"; }
  elif ! pg_running; then
    log "postgres: starting the server in $PG_DIR again"
    "$ROOT/scripts/pg-test.sh" restart "$PG_DIR" >/dev/null
  fi
  CHAT_PG_URL="$(cat "$PG_URL_FILE")"
  export CHAT_PG_URL
  log "postgres ready on 127.0.0.1:$(cat "$PG_DIR/port")"
}

# Whether the local server of $PG_DIR runs (its postmaster.pid names a live process).
pg_running() {
  local pid
  [ -f "$PG_DIR/data/postmaster.pid" ] || return 1
  pid="$(head -n 1 "$PG_DIR/data/postmaster.pid")"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}

pg_stop() {
  if [ -d "$PG_DIR/data" ] && pg_running; then
    log "postgres stopping (pg_ctl, by its pid file)"
    "$ROOT/scripts/pg-test.sh" stop "$PG_DIR" >/dev/null
    log "postgres stopped"
  fi
}

http_status() { # prints the HTTP status of a URL (000 when unreachable)
  curl -s -o /dev/null -m 5 -w '%{http_code}' "$1" || true
}
health() { http_status "http://127.0.0.1:$1/health"; }

await_health() {
  local port=$1 deadline=$((SECONDS + START_TIMEOUT))
  until [ "$(health "$port")" = 200 ]; do
    [ $SECONDS -lt $deadline ] || die "gateway :$port /health not 200 after ${START_TIMEOUT}s"
    sleep 0.5
  done
}

stop_one() {
  local name=$1 pid deadline
  pid=$(running_pid "$name")
  if [ -z "$pid" ]; then
    rm -f "$(pid_file "$name")"
    log "$name not running"
    return 0
  fi
  log "$name stopping (SIGTERM to pid $pid)"
  kill -TERM "$pid"
  deadline=$((SECONDS + STOP_TIMEOUT))
  while kill -0 "$pid" 2>/dev/null; do
    if [ $SECONDS -ge $deadline ]; then
      log "$name still running after ${STOP_TIMEOUT}s: SIGKILL to pid $pid"
      kill -KILL "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.2
  done
  rm -f "$(pid_file "$name")"
  log "$name stopped"
}

names_or_all() {
  if [ $# -gt 0 ]; then echo "$@"; else for s in "${SERVICES[@]}"; do echo -n "${s%% *} "; done; fi
}

cmd_start() {
  local started=$SECONDS begin names name
  begin=$(date +%s%N)
  names=$(names_or_all "$@")
  mkdir -p "$RUN_DIR"
  echo "$CHAT_STORE" > "$STORE_FILE"
  if [ "$CHAT_STORE" = postgresql ]; then
    echo "$chat_instances" > "$RUN_DIR/chat-instances"
  fi
  pg_start
  # auth alone first: it becomes the Hazelcast master the others join.
  for name in $names; do
    if [ "$name" = auth ]; then start_one auth; await_ready auth; fi
  done
  for name in $names; do
    [ "$name" = auth ] || start_one "$name"
  done
  for name in $names; do
    [ "$name" = auth ] || await_ready "$name"
  done
  for name in $names; do
    case $name in
      gateway1) await_health 8080 ;;
      gateway2) await_health 8081 ;;
    esac
  done
  log "cluster '$CHAT_CLUSTER_NAME' ready in $(( ($(date +%s%N) - begin) / 1000000 )) ms: http://127.0.0.1:8080 and http://127.0.0.1:8081"
}

cmd_stop() {
  local names name
  names=$(names_or_all "$@")
  # Gateways first (in parallel), then chat, then auth: nothing is asked of a service already gone.
  local pids=()
  for name in $names; do
    case $name in gateway*) stop_one "$name" & pids+=($!) ;; esac
  done
  for p in "${pids[@]}"; do wait "$p"; done
  for name in $names; do
    case $name in chat*) stop_one "$name" ;; esac
  done
  case " $names " in *" auth "*) stop_one auth ;; esac
  # The local PostgreSQL last, when everything was stopped.
  if [ $# -eq 0 ]; then
    pg_stop
  fi
}

cmd_status() {
  local s name module hz http live pid
  for s in "${SERVICES[@]}"; do
    read -r name module hz http live <<<"$s"
    pid=$(running_pid "$name")
    if [ -n "$pid" ]; then
      if [ "$http" != 0 ]; then
        printf '%-9s running  pid %-7s hazelcast :%s  http :%s /health %s\n' "$name" "$pid" "$hz" "$http" "$(health "$http")"
      else
        printf '%-9s running  pid %-7s hazelcast :%s  /live %s\n' "$name" "$pid" "$hz" \
          "$(http_status "http://127.0.0.1:$live/live")"
      fi
    else
      printf '%-9s stopped\n' "$name"
    fi
  done
  if [ "$CHAT_STORE" = postgresql ] && [ -d "$PG_DIR/data" ]; then
    if pg_running; then
      printf '%-9s running  127.0.0.1:%s\n' postgres "$(cat "$PG_DIR/port")"
    else
      printf '%-9s stopped\n' postgres
    fi
  fi
}

case "${1:-}" in
  start) shift; cmd_start "$@" ;;
  stop) shift; cmd_stop "$@" ;;
  restart) shift; cmd_stop "$@"; cmd_start "$@" ;;
  status) cmd_status ;;
  *) echo "usage: [CHAT_STORE=postgresql] $0 start|stop|status|restart [auth|chat|chat2|gateway1|gateway2...]" >&2; exit 2 ;;
esac
