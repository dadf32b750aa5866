#!/usr/bin/env bash
# Benchmark runner: builds the bench jar if needed, starts the raw Vert.x floor, the socket.io
# 4.8 peer (bench/peers/socketio, installed with `npm ci`) and (unless --floor-only) the real
# system, pins servers and generator to different cores, runs the scenarios against the floor,
# socket.io (S1 only) and the system, prints the table and writes
# bench/results/<timestamp>.{json,csv}. Every process it starts is stopped by its PID on exit.
# Loopback only; every run is bounded in time (--max-seconds) and traffic (per-scenario caps).
#
#   bench/run.sh --floor-only --quick --scenarios s1,s3
#   bench/run.sh                                  # everything, three servers (~20-25 min)
#   bench/run.sh --scenarios s1 --repeats 1 --ladder 10k,50k,100k
#   bench/run.sh --scenarios s1 -- --s1-receivers 200 --s1-step-seconds 10
#
# Options:
#   --floor-only          do not start the system; the table shows the floor's (and socket.io's)
#   --no-socketio         do not start the socket.io peer (no node, or to save time)
#   --socketio-port P     default 9091
#   --repeats N           runs of each S1 ladder step, the median is reported (default 3)
#   --ladder LIST         S1 target deliveries/s, e.g. 5k,10k,20k,50k,100k
#   --cluster             S5: the system as four clustered JVMs (scripts/cluster.sh) instead of
#                         the all-in-one jar; use with --scenarios s1,s3
#   --store S             with --cluster: sqlite (default) or postgresql (a throw-away local
#                         server from scripts/pg-test.sh: fsync off, so not a durability figure)
#   --chat-instances N    with --cluster --store postgresql: chat JVMs (default 2)
#   --scenarios LIST      s1,s2,s3,s4 (default all); s6 (login flood), s7 (feed read), s8
#                         (GET /api/chats with unread counts, the system only), s9 (presence
#                         churn, the system only), s10 (typing notices to 200 sockets, the
#                         system only), s11 (20 concurrent 10 MiB attachment uploads and
#                         downloads, the system only) only on request; s12 (search latency over a
#                         generated corpus of 1,000,000 messages written into the system's chat.db
#                         before it starts, the system only; S12_CORPUS_ARGS e.g. "--messages 200000") too
#   --auth-defaults       start the system with the product's auth settings (PBKDF2 iterations,
#                         login, registration and password-work limits) instead of the bench's
#                         relaxed ones; use with --scenarios s6
#   --quick               short steps and smaller counts (a smoke run, not a measurement)
#   --max-seconds N       hard cap for the generator (default 2400); servers stop 120 s later anyway
#   --floor-port P        default 9090
#   --system-port P       default 8080
#   --no-pin              do not use taskset
#   -- ARGS               passed to the generator (see bench/README.md)
# Environment: SERVER_CPUS (default 0), GEN_CPUS (default 1), SERVER_JAVA_OPTS, GEN_JAVA_OPTS,
# SYSTEM_JAR (default all-in-one/target/all-in-one-fat.jar), CHAT_NATIVE_TRANSPORT (false: system and
# floor on NIO; default epoll).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
cd "$root"

orig_args="$*"
floor_only=false
cluster=false
store=sqlite
chat_instances=""
scenarios="s1,s2,s3,s4"
quick=false
max_seconds=2400
floor_port=9090
socketio=true
socketio_port=9091
s1_args=()
system_port=8080
pin=true
auth_defaults=false
gen_args=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --floor-only) floor_only=true ;;
    --cluster) cluster=true ;;
    --store) store="$2"; shift ;;
    --chat-instances) chat_instances="$2"; shift ;;
    --scenarios) scenarios="$2"; shift ;;
    --quick) quick=true ;;
    --max-seconds) max_seconds="$2"; shift ;;
    --floor-port) floor_port="$2"; shift ;;
    --system-port) system_port="$2"; shift ;;
    --no-pin) pin=false ;;
    --no-socketio) socketio=false ;;
    --socketio-port) socketio_port="$2"; shift ;;
    --repeats) s1_args+=(--s1-repeats "$2"); shift ;;
    --ladder) s1_args+=(--s1-rates "$2"); shift ;;
    --) shift; gen_args=("$@"); break ;;
    --auth-defaults) auth_defaults=true ;;
    -h|--help) sed -n '2,42p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

SERVER_CPUS="${SERVER_CPUS:-0}"
GEN_CPUS="${GEN_CPUS:-1}"
SERVER_JAVA_OPTS="${SERVER_JAVA_OPTS:--Xmx2g}"
GEN_JAVA_OPTS="${GEN_JAVA_OPTS:--Xms2g -Xmx2g}"
SYSTEM_JAR="${SYSTEM_JAR:-all-in-one/target/all-in-one-fat.jar}"
bench_jar="$here/target/bench.jar"

stamp="$(date +%Y%m%d-%H%M%S)"
run_dir="$here/results/run-$stamp"
mkdir -p "$run_dir"

# --- processes we start, stopped by PID (never by name) -----------------------------------
pids=()
data_dir=""
cluster_dir=""
cleanup() {
  local code=$?
  if [[ -n "$cluster_dir" ]]; then
    # scripts/cluster.sh stops the services by the PIDs it wrote for this run.
    CHAT_RUN_DIR="$cluster_dir/run" CHAT_CLUSTER_DATA="$cluster_dir/data" "$root/scripts/cluster.sh" stop >&2 || true
    rm -rf "$cluster_dir"
  fi
  for pid in "${pids[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
  done
  if [[ -n "$data_dir" && -d "$data_dir" ]]; then
    rm -rf "$data_dir"
  fi
  exit "$code"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- build ---------------------------------------------------------------------------------
if [[ ! -f "$bench_jar" ]] || [[ -n "$(find "$here/src" "$here/pom.xml" -newer "$bench_jar" -print -quit)" ]]; then
  echo "building bench.jar" >&2
  { mvn -B -o -q -Dstyle.color=never -f "$here/pom.xml" package || mvn -B -q -Dstyle.color=never -f "$here/pom.xml" package; } >&2
fi
if [[ "$floor_only" == false && ! -f "$SYSTEM_JAR" ]]; then
  echo "building the system ($SYSTEM_JAR missing)" >&2
  mvn -B -q -DskipTests -pl all-in-one -am package || {
    echo "run.sh: could not build $SYSTEM_JAR; run with --floor-only until the system exists" >&2
    exit 1
  }
fi

# The socket.io peer: node_modules from the committed lock, reinstalled when the lock changed.
peer_dir="$here/peers/socketio"
if [[ "$socketio" == true && ",$scenarios," != *",s1,"* ]]; then
  socketio=false # only S1 drives the socket.io peer
fi
if [[ "$socketio" == true ]]; then
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    echo "run.sh: node/npm not found; running without the socket.io peer (--no-socketio)" >&2
    socketio=false
  elif [[ ! -f "$peer_dir/node_modules/.package-lock.json" || "$peer_dir/package-lock.json" -nt "$peer_dir/node_modules/.package-lock.json" ]]; then
    echo "installing the socket.io peer (npm ci in $peer_dir)" >&2
    (cd "$peer_dir" && npm ci --no-audit --no-fund --loglevel=error) >&2 || {
      echo "run.sh: npm ci failed in $peer_dir; use --no-socketio to run without it" >&2
      exit 1
    }
  fi
fi

# The bench signs thousands of users up and in from one address with cheap hashes; S6 measures
# the product's own protection instead (--auth-defaults).
auth_env=(CHAT_PASSWORD_ITERATIONS=1000 CHAT_LOGIN_ATTEMPTS_PER_MINUTE=100000 CHAT_REGISTRATIONS_PER_HOUR=100000000
  CHAT_PASSWORD_CHECKS_PER_ADDRESS=100000 CHAT_PASSWORD_QUEUE=100000)
[[ "$auth_defaults" == true ]] && auth_env=()

# --- pinning -------------------------------------------------------------------------------
server_pin=()
gen_pin=()
pinning="none"
if [[ "$pin" == true ]] && command -v taskset >/dev/null && [[ "$(nproc --all)" -ge 2 ]]; then
  server_pin=(taskset -c "$SERVER_CPUS")
  gen_pin=(taskset -c "$GEN_CPUS")
  pinning="servers on cpu $SERVER_CPUS, generator on cpu $GEN_CPUS (taskset)"
fi
# Open files: S4 holds 20,000 sockets, one descriptor each in the server and in the generator.
# As root, raise the hard limit for this script and the processes it starts (needs
# CAP_SYS_RESOURCE; containers often drop it, and then S4 reports the cap it ran into).
fd_wanted=65536
if [[ "$(id -u)" == 0 && "$(ulimit -Hn)" != unlimited && "$(ulimit -Hn)" -lt "$fd_wanted" ]]; then
  if ! ulimit -Hn "$fd_wanted" 2>/dev/null && ! prlimit --pid $$ --nofile="$fd_wanted:$fd_wanted" 2>/dev/null; then
    echo "run.sh: could not raise the open-files hard limit above $(ulimit -Hn) (no CAP_SYS_RESOURCE?); S4 is capped by it" >&2
  fi
fi
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
server_cap=$((max_seconds + 120))

# Starts "$@" under `timeout` (so it stops by itself even if this script is killed hard) and
# sets started_pid to the java process (timeout's child: taskset execs java).
start() {
  local log="$1"; shift
  timeout --signal=TERM --kill-after=10 "$server_cap" "$@" >"$log" 2>&1 &
  local tpid=$!
  pids+=("$tpid")
  started_pid=""
  for _ in $(seq 1 50); do
    started_pid="$(ps -o pid= --ppid "$tpid" | head -n1 | tr -d ' ')"
    [[ -n "$started_pid" ]] && break
    sleep 0.1
  done
  [[ -n "$started_pid" ]] || { echo "run.sh: could not start: $*" >&2; exit 1; }
  pids+=("$started_pid")
}

wait_http() {
  local url="$1" pid="$2" what="$3" secs="$4"
  for _ in $(seq 1 $((secs * 5))); do
    if curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null; then
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || { echo "run.sh: $what exited; see its log" >&2; return 1; }
    sleep 0.2
  done
  echo "run.sh: $what not ready at $url after ${secs}s" >&2
  return 1
}

port_busy() {
  curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$1/" 2>/dev/null
}

# --- floor ---------------------------------------------------------------------------------
if port_busy "$floor_port"; then
  echo "run.sh: port $floor_port is already in use; pick another with --floor-port" >&2
  exit 1
fi
# The floor's sockets are the system's: epoll unless the system is told NIO (CHAT_NATIVE_TRANSPORT=false).
floor_transport=()
[[ "${CHAT_NATIVE_TRANSPORT:-true}" == true ]] && floor_transport=(--native-transport)
# shellcheck disable=SC2086
start "$run_dir/floor.log" "${server_pin[@]}" java $SERVER_JAVA_OPTS -jar "$bench_jar" floor \
  --host 127.0.0.1 --port "$floor_port" --max-seconds "$server_cap" "${floor_transport[@]}"
floor_pid="$started_pid"
wait_http "http://127.0.0.1:$floor_port/health" "$floor_pid" "floor" 30
curl -fsS --max-time 2 "http://127.0.0.1:$floor_port/health" | grep -q '"floor":true' || {
  echo "run.sh: something other than the floor answers on port $floor_port" >&2
  exit 1
}
echo "floor up: pid $floor_pid, port $floor_port" >&2

gen_targets=(--floor "http://127.0.0.1:$floor_port" --floor-pid "$floor_pid")

# --- socket.io peer --------------------------------------------------------------------------
if [[ "$socketio" == true ]]; then
  if port_busy "$socketio_port"; then
    echo "run.sh: port $socketio_port is already in use; pick another with --socketio-port" >&2
    exit 1
  fi
  start "$run_dir/socketio.log" "${server_pin[@]}" node "$peer_dir/server.js" --host 127.0.0.1 \
    --port "$socketio_port" --max-seconds "$server_cap"
  socketio_pid="$started_pid"
  wait_http "http://127.0.0.1:$socketio_port/health" "$socketio_pid" "socket.io peer" 30
  curl -fsS --max-time 2 "http://127.0.0.1:$socketio_port/health" | grep -q '"socketio":true' || {
    echo "run.sh: something other than the socket.io peer answers on port $socketio_port" >&2
    exit 1
  }
  echo "socket.io peer up: pid $socketio_pid, port $socketio_port ($(head -n1 "$run_dir/socketio.log"))" >&2
  gen_targets+=(--socketio "http://127.0.0.1:$socketio_port" --socketio-pid "$socketio_pid")
fi

# --- system --------------------------------------------------------------------------------
if [[ "$floor_only" == false && "$cluster" == true ]]; then
  # S5, the cluster hop: auth, chat and two gateways as separate JVMs on Hazelcast
  # (scripts/cluster.sh, loopback, fixed ports 8080/8081 and 5701-5704), pinned together to the
  # server cpu; the generator targets gateway 1, whose CPU the figures count.
  for p in 8080 8081; do
    port_busy "$p" && { echo "run.sh: port $p is in use; --cluster needs 8080 and 8081" >&2; exit 1; }
  done
  [[ -f gateway-verticle/target/gateway-verticle-fat.jar ]] || mvn -B -q -DskipTests package >&2
  cluster_dir="$(mktemp -d /tmp/chatbus-bench-cluster.XXXXXX)"
  # Traversable (not readable) by others: as root, the PostgreSQL server runs as `postgres`.
  chmod 711 "$cluster_dir"
  [[ "$store" == sqlite || "$store" == postgresql ]] || { echo "run.sh: --store sqlite|postgresql" >&2; exit 2; }
  [[ -z "$chat_instances" || "$store" == postgresql ]] || { echo "run.sh: --chat-instances needs --store postgresql" >&2; exit 2; }
  env CHAT_RUN_DIR="$cluster_dir/run" CHAT_CLUSTER_DATA="$cluster_dir/data" CHAT_CLUSTER_NAME="chatbus-bench-$$" \
  CHAT_STORE="$store" CLUSTER_CHAT_INSTANCES="${chat_instances:-2}" \
  CHAT_MESSAGES_PER_SECOND=0 CHAT_BRIDGE_SOCKETS_PER_ADDRESS=100000 CHAT_ACCESS_LOG=OFF "${auth_env[@]}" \
    "${server_pin[@]}" "$root/scripts/cluster.sh" start >"$run_dir/cluster.log" 2>&1 || {
    echo "run.sh: the cluster did not start; see $run_dir/cluster.log" >&2
    exit 1
  }
  system_pid="$(cat "$cluster_dir/run/gateway1.pid")"
  echo "cluster up ($store$([[ "$store" == postgresql ]] && echo ", ${chat_instances:-2} chat instances")): gateway 1 pid $system_pid on port 8080" >&2
  gen_targets+=(--target "http://127.0.0.1:8080" --target-pid "$system_pid")
elif [[ "$floor_only" == false ]]; then
  if port_busy "$system_port"; then
    echo "run.sh: port $system_port is already in use; pick another with --system-port" >&2
    exit 1
  fi
  data_dir="$(mktemp -d /tmp/chatbus-bench-data.XXXXXX)"
  if [[ ",$scenarios," == *",s12,"* ]]; then
    # S12: a first start migrates the databases and is stopped; the generated search corpus is then
    # written into chat.db (bench.jar corpus, options from S12_CORPUS_ARGS); the system below starts on it.
    # shellcheck disable=SC2086
    start "$run_dir/system-migrate.log" env CHAT_DATA_DIR="$data_dir" CHAT_HTTP_HOST=127.0.0.1 CHAT_HTTP_PORT="$system_port" java $SERVER_JAVA_OPTS -jar "$SYSTEM_JAR"
    wait_http "http://127.0.0.1:$system_port/health" "$started_pid" "system (migration start)" 90
    kill -TERM "$started_pid"
    for _ in $(seq 1 150); do kill -0 "$started_pid" 2>/dev/null || break; sleep 0.2; done
    [[ "$quick" == true ]] && S12_CORPUS_ARGS="${S12_CORPUS_ARGS:---messages 100000}"
    # shellcheck disable=SC2086
    java -jar "$bench_jar" corpus --data-dir "$data_dir" ${S12_CORPUS_ARGS:-} >&2
  fi
  # shellcheck disable=SC2086
  start "$run_dir/system.log" env CHAT_DATA_DIR="$data_dir" CHAT_HTTP_HOST=127.0.0.1 CHAT_HTTP_PORT="$system_port" \
    CHAT_MESSAGES_PER_SECOND=0 CHAT_BRIDGE_SOCKETS_PER_ADDRESS=100000 CHAT_ACCESS_LOG=OFF "${auth_env[@]}" "${server_pin[@]}" java $SERVER_JAVA_OPTS -jar "$SYSTEM_JAR"
  system_pid="$started_pid"
  wait_http "http://127.0.0.1:$system_port/health" "$system_pid" "system" 90
  echo "system up: pid $system_pid, port $system_port, data $data_dir" >&2
  gen_targets+=(--target "http://127.0.0.1:$system_port" --target-pid "$system_pid")
fi

# --- generator -----------------------------------------------------------------------------
quick_arg=()
[[ "$quick" == true ]] && quick_arg=(--quick)
echo "logs in $run_dir" >&2
# shellcheck disable=SC2086
timeout --signal=TERM --kill-after=10 $((max_seconds + 60)) "${gen_pin[@]}" java $GEN_JAVA_OPTS -jar "$bench_jar" run \
  "${gen_targets[@]}" --scenarios "$scenarios" "${quick_arg[@]}" \
  --results-dir "$here/results" --clk-tck "$(getconf CLK_TCK)" --max-seconds "$max_seconds" \
  --pinning "$pinning; server JVM: $SERVER_JAVA_OPTS; generator JVM: $GEN_JAVA_OPTS" \
  --command "bench/run.sh $orig_args" "${s1_args[@]}" "${gen_args[@]}" 2> >(tee "$run_dir/generator.log" >&2)
