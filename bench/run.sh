#!/usr/bin/env bash
# The benchmark, one command: bench/run.sh [--quick|--smoke] [--rounds N] [--servers gateway,socketio,nchan,floor]
#                                        [--scenarios burst,steady,memory,chat,storm,idle-identified,direct]
#                                        (opt-in: --scenarios stall, hooks)
# Builds the gateway and bench (never `mvn install`), installs the peers it can (npm ci; Debian's nginx
# and libnginx-mod-nchan), then runs the scenario runner pinned to the load core. Results:
# bench/results/<timestamp>.md and .json; logs of every process under bench/target/logs/.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { echo "$(date +%T) bench: $*" >&2; }

if [ ! -f deploy/target/gateway.jar ] || [ ! -d bench/target/lib ] || [ "${BENCH_BUILD:-1}" = 1 ]; then
  log "building (mvn -q -B package -DskipTests)"
  mvn -q -B package -DskipTests
fi

if command -v npm >/dev/null; then
  if [ ! -d bench/peers/socketio/node_modules/socket.io ]; then
    log "installing the Socket.IO peer (npm ci)"
    (cd bench/peers/socketio && npm ci --no-audit --no-fund --loglevel=error) || log "npm ci failed: Socket.IO will be skipped"
  fi
else
  log "npm missing: Socket.IO will be skipped"
fi

if ! command -v nginx >/dev/null || [ ! -f /usr/lib/nginx/modules/ngx_nchan_module.so ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    log "installing the nchan peer (apt-get install nginx libnginx-mod-nchan)"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx libnginx-mod-nchan; } >&2 \
      || log "apt-get failed: nchan will be skipped"
  else
    log "nginx with nchan missing and no root apt-get: nchan will be skipped"
  fi
fi

pin=()
if command -v taskset >/dev/null && [ "$(nproc --all)" -ge 2 ]; then
  pin=(taskset -c 1)
fi
log "load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
exec "${pin[@]}" java -Xmx1g -cp "bench/target/classes:bench/target/lib/*" io.rtgw.bench.run.Runner "$@"
