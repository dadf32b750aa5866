#!/usr/bin/env bash
# Request/reply latency of the chat service as a gateway sees it (event-bus requests, one at a
# time, from one event loop): in one JVM (local event bus, the all-in-one topology) and across
# JVMs (clustered event bus, the harness joining the scripts/cluster.sh cluster as one more
# member). Prints p50/p90/p99/max per request type; results also go to run/cluster/latency-*.md.
#
#   mvn -B install -DskipTests        # builds cluster-it/target/cluster-it-fat.jar
#   scripts/cluster.sh start          # for the cluster run
#   scripts/cluster-latency.sh [local|cluster|both]   (default both)
#
# Figures depend on the machine; this is a harness, not a test.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
JAR="$ROOT/cluster-it/target/cluster-it-fat.jar"
OUT_DIR="${CHAT_RUN_DIR:-$ROOT/run/cluster}"
[ -f "$JAR" ] || { echo "$JAR is missing: run mvn -B install -DskipTests first" >&2; exit 1; }
mkdir -p "$OUT_DIR"

# -cp ignores the manifest's Add-Opens: give Hazelcast its flags here.
JAVA_FLAGS=(-Xmx256m
  --add-exports java.base/jdk.internal.ref=ALL-UNNAMED
  --add-opens java.base/java.lang=ALL-UNNAMED
  --add-opens java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens java.management/sun.management=ALL-UNNAMED
  --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED)

run() {
  local mode=$1
  echo "== $mode"
  java "${JAVA_FLAGS[@]}" -cp "$JAR" chat.cluster.LatencyHarness "$mode" "$OUT_DIR/latency-$mode.md" \
    > "$OUT_DIR/latency-$mode.log" 2>&1 || { tail -n 40 "$OUT_DIR/latency-$mode.log" >&2; exit 1; }
  grep -h "Joined cluster" "$OUT_DIR/latency-$mode.log" | sed 's/^.* - /   /' || true
  cat "$OUT_DIR/latency-$mode.md"
}

case "${1:-both}" in
  local) run local ;;
  cluster|both)
    # The same cluster as scripts/cluster.sh, joined as a fifth member on its own port.
    export CHAT_CLUSTER_NAME="${CHAT_CLUSTER_NAME:-chatbus-local}"
    export CHAT_CLUSTER_HOST="${CHAT_CLUSTER_HOST:-127.0.0.1}"
    export CHAT_CLUSTER_MEMBERS="${CHAT_CLUSTER_MEMBERS:-$(printf '127.0.0.1:%s\n' 5701 5702 5703 5704)}"
    export CHAT_CLUSTER_PORT="${CHAT_LATENCY_CLUSTER_PORT:-5705}"
    if [ "${1:-both}" = both ]; then run local; fi
    run cluster ;;
  *) echo "usage: $0 [local|cluster|both]" >&2; exit 2 ;;
esac
