#!/bin/bash
# Live heap per idle connection, by class: starts the built gateway (deploy/target/gateway.jar, the bench's
# JVM flags, pinned to core 0), opens and closes a warm-up of 500, then holds COUNT idle connections
# (core 1) and writes `jmap -histo:live` of the gateway to OUT; prints its RSS and the live heap per
# connection.
#
#   bench/tools/heap-histogram.sh <ws|sse|poll> <count> <memory|redis> <out file>
#
# ws: identified WebSockets (/ws?user=u<i>, personal channel + one shared channel, bench IdleSockets);
# sse / poll: node clients (bench/tools/hold-http.js) on 100 shared channels. The redis mode starts its
# own redis-server on a free port. Run `mvn -DskipTests package` first.
set -euo pipefail
cd "$(dirname "$0")/../.."
KIND=$1; N=$2; STORE=$3; OUT=$4
WORK=$(mktemp -d)
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
PORT=$(free_port)
ENV=(GATEWAY_HTTP_HOST=127.0.0.1 GATEWAY_HTTP_PORT=$PORT GATEWAY_DEMO_TICKER=false)
for l in CONNECTIONS_PER_USER CONNECTIONS_PER_IP CONNECTION_RATE_PER_IP COMMANDS_PER_SECOND PUBLISHES_PER_SECOND; do
  ENV+=(GATEWAY_LIMITS_$l=0)
done
RP=""
if [ "$STORE" = redis ]; then
  RP=$(free_port)
  redis-server --port "$RP" --bind 127.0.0.1 --save "" --appendonly no --daemonize yes --logfile "$WORK/redis.log"
  ENV+=(GATEWAY_HISTORY_STORE=redis GATEWAY_PRESENCE_STORE=redis GATEWAY_REDIS_ENDPOINT=redis://127.0.0.1:$RP)
fi
env "${ENV[@]}" taskset -c 0 java -Xms64m -Xmx2g -XX:+UseG1GC -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=20 \
  -jar deploy/target/gateway.jar > "$WORK/gateway.log" 2>&1 &
GW=$!
cleanup() {
  kill "$GW" 2>/dev/null || true
  [ -n "$RP" ] && redis-cli -p "$RP" shutdown nosave >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
for _ in $(seq 60); do curl -s -o /dev/null "http://127.0.0.1:$PORT/health/live" && break; sleep 1; done
CP='bench/target/classes:bench/target/lib/*'
if [ "$KIND" = ws ]; then
  HOLD=(java -cp "$CP" io.rtgw.bench.probe.IdleSockets 127.0.0.1 "$PORT"); WARM=(500 w feed:shared); RUN=("$N" u feed:shared)
else
  HOLD=(node bench/tools/hold-http.js "$PORT"); WARM=(500 "$KIND"); RUN=("$N" "$KIND")
fi
# the warm-up's connections close when its stdin does
sleep 20 | taskset -c 1 "${HOLD[@]}" "${WARM[@]}" > "$WORK/warm.log" 2>&1 || true
mkfifo "$WORK/hold"
taskset -c 1 "${HOLD[@]}" "${RUN[@]}" < "$WORK/hold" > "$WORK/idle.log" 2>&1 &
exec 3>"$WORK/hold"
for _ in $(seq 300); do grep -q opened "$WORK/idle.log" && break; sleep 1; done
sleep 5
jmap -histo:live "$GW" > "$OUT"
grep VmRSS "/proc/$GW/status"
exec 3>&-
awk -v n="$N" 'NR>2 && $1 ~ /:$/ {t+=$3} END {printf "live heap %.0f bytes per connection (%d connections)\n", t/n, n}' "$OUT"
