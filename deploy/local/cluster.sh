#!/usr/bin/env bash
# A real rtgw cluster on one machine: a private redis-server and each tier in its own JVM, on loopback.
#
#   cluster.sh up [--connections N] [--fanout N] [--history N] [--presence N] [--base-port P] [--dir DIR] [--lb PORT]
#   cluster.sh status [--dir DIR]
#   cluster.sh down [--dir DIR]
#   cluster.sh logs NAME [--dir DIR] [-f]
#
# Ports, from the base port P (default 8080): connection nodes serve HTTP on P, P+1, ...; Redis listens
# on P+100; process k (0, 1, ...) has Hazelcast on P+200+k and the event bus on P+300+k. Logs, pid files
# and the nginx configuration go under DIR (default deploy/local/run). GATEWAY_* variables set by the
# caller reach every JVM (e.g. GATEWAY_HTTP_DRAIN_MS=1000); RTGW_JAVA_OPTS replaces the JVM options.
set -Eeuo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
LOCAL="$ROOT/deploy/local"
JAR="${RTGW_JAR:-$ROOT/deploy/target/gateway.jar}"
JAVA_OPTS="${RTGW_JAVA_OPTS:--Xms32m -Xmx256m -XX:+UseSerialGC}"
UP_TIMEOUT_S="${RTGW_UP_TIMEOUT_S:-120}"
# a connection node drains for http.drainMs (10 s in conf/connection.json) before it exits
DOWN_TIMEOUT_S="${RTGW_DOWN_TIMEOUT_S:-30}"

DIR="$LOCAL/run"
CONNECTIONS=3 FANOUT=2 HISTORY=2 PRESENCE=1 BASE_PORT=8080 LB_PORT=""

die() { echo "cluster.sh: $*" >&2; exit 2; }

usage() {
  sed -n '4,7p' "${BASH_SOURCE[0]}" | sed 's/^#   //' >&2
  exit 2
}

count() { [[ "$2" =~ ^[0-9]+$ ]] || die "$1 takes a number, not '$2'."; echo "$2"; }

parse() {
  while (($#)); do
    case "$1" in
      --connections) CONNECTIONS=$(count "$1" "${2-}"); shift 2 ;;
      --fanout) FANOUT=$(count "$1" "${2-}"); shift 2 ;;
      --history) HISTORY=$(count "$1" "${2-}"); shift 2 ;;
      --presence) PRESENCE=$(count "$1" "${2-}"); shift 2 ;;
      --base-port) BASE_PORT=$(count "$1" "${2-}"); shift 2 ;;
      --lb) LB_PORT=$(count "$1" "${2-}"); shift 2 ;;
      --dir) [[ -n "${2-}" ]] || die "--dir takes a directory."; DIR="$2"; shift 2 ;;
      -f) FOLLOW=1; shift ;;
      -*) die "unknown option $1." ;;
      *) [[ -z "${NAME-}" ]] || die "one name only."; NAME="$1"; shift ;;
    esac
  done
  mkdir -p "$DIR"
  DIR="$(cd "$DIR" && pwd)"
}

alive() { [[ -f "$DIR/$1.pid" ]] && kill -0 "$(cat "$DIR/$1.pid")" 2>/dev/null; }

# the processes started from DIR, in start-up order (redis first)
names() { [[ -f "$DIR/names" ]] && cat "$DIR/names" || true; }

line() { echo "$1 $(cat "$DIR/$1.pid") $(cat "$DIR/$1.port")"; }

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# start NAME PORT-LABEL COMMAND...: detached (its own session, so a Ctrl-C of the caller does not reach
# it), output to NAME.log, its own pid in NAME.pid
start() {
  local name=$1 label=$2
  shift 2
  echo "$name" >>"$DIR/names"
  echo "$label" >"$DIR/$name.port"
  : >"$DIR/$name.log"
  # the subshell execs at once: no shell of this script waits for the process (nor runs its ERR trap when
  # the process exits non-zero)
  (trap - ERR; cd "$ROOT"; exec setsid bash -c 'echo $$ >"$0"; exec "$@"' "$DIR/$name.pid" "$@") \
    </dev/null >>"$DIR/$name.log" 2>&1 &
  local i
  for i in $(seq 50); do [[ -s "$DIR/$name.pid" ]] && return 0; sleep 0.1; done
  echo "cluster.sh: $name did not start." >&2
  return 1
}

# ready NAME: true once NAME serves (connection nodes: /health says UP; redis: PING; others: the
# launcher's start line); fails at once if the process died
ready() {
  local name=$1 port
  alive "$name" || return 2
  case "$name" in
    redis) redis-cli -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG ;;
    connection-*) port=$(cat "$DIR/$name.port")
                  curl -fsS --max-time 2 "http://127.0.0.1:$port/health" 2>/dev/null | grep -q '"status":"UP"' ;;
    nginx) curl -fsS --max-time 2 "http://127.0.0.1:$LB_PORT/health" >/dev/null 2>&1 ;;
    *) grep -q "rtgw started" "$DIR/$name.log" ;;
  esac
}

await_ready() {
  local deadline=$((SECONDS + UP_TIMEOUT_S)) name status
  for name in "$@"; do
    while true; do
      status=0
      ready "$name" || status=$?
      ((status == 0)) && break
      if ((status == 2)); then
        echo "cluster.sh: $name exited while starting; the end of $DIR/$name.log:" >&2
        tail -n 20 "$DIR/$name.log" >&2
        return 1
      fi
      if ((SECONDS >= deadline)); then
        echo "cluster.sh: $name was not ready within ${UP_TIMEOUT_S} s; the end of $DIR/$name.log:" >&2
        tail -n 20 "$DIR/$name.log" >&2
        return 1
      fi
      sleep 0.2
    done
  done
}

# stop NAME...: SIGTERM to all, SIGKILL to what is left after DOWN_TIMEOUT_S
stop() {
  local name deadline=$((SECONDS + DOWN_TIMEOUT_S)) left
  for name in "$@"; do alive "$name" && kill -TERM "$(cat "$DIR/$name.pid")" 2>/dev/null || true; done
  while true; do
    left=()
    for name in "$@"; do alive "$name" && left+=("$name"); done
    ((${#left[@]} == 0)) && return 0
    if ((SECONDS >= deadline)); then
      for name in "${left[@]}"; do
        echo "cluster.sh: $name did not stop within ${DOWN_TIMEOUT_S} s; killed." >&2
        kill -KILL "$(cat "$DIR/$name.pid")" 2>/dev/null || true
      done
      sleep 0.5
      return 0
    fi
    sleep 0.2
  done
}

# the tiers' clients go first: nginx, then connection nodes (which drain), then fanout, history and
# presence, which serve the draining clients until they are gone, then Redis
down() {
  local all
  mapfile -t all < <(names)
  ((${#all[@]})) || return 0
  stop $(printf '%s\n' "${all[@]}" | grep -x 'nginx' || true)
  stop $(printf '%s\n' "${all[@]}" | grep '^connection-' || true)
  stop $(printf '%s\n' "${all[@]}" | grep -E '^(fanout|history|presence)-' || true)
  stop $(printf '%s\n' "${all[@]}" | grep -x 'redis' || true)
  local name
  for name in "${all[@]}"; do rm -f "$DIR/$name.pid" "$DIR/$name.port"; done
  rm -f "$DIR/names"
}

# one line per live process: redis, connection-*, fanout-*, history-*, presence-*, nginx
status() {
  local name group
  for group in '^redis$' '^connection-' '^fanout-' '^history-' '^presence-' '^nginx$'; do
    for name in $(names | grep -E "$group" | sort -t- -k2 -n || true); do
      if alive "$name"; then line "$name"; fi
    done
  done
  return 0
}

nginx_conf() {
  local servers="" i
  for ((i = 0; i < CONNECTIONS; i++)); do servers+="    server 127.0.0.1:$((BASE_PORT + i));"$'\n'; done
  mkdir -p "$DIR/nginx"
  awk -v servers="$servers" -v port="$LB_PORT" -v dir="$DIR/nginx" \
    '{ gsub(/@SERVERS@/, servers); gsub(/@PORT@/, port); gsub(/@DIR@/, dir); print }' \
    "$LOCAL/nginx.conf.template" >"$DIR/nginx/nginx.conf"
}

up() {
  [[ -f "$JAR" ]] || die "$JAR is missing; build it first: mvn -q -B package -DskipTests"
  command -v redis-server >/dev/null || die "redis-server is not installed."
  command -v curl >/dev/null || die "curl is not installed."
  # Debian puts nginx in /usr/sbin, which a user's PATH may lack
  NGINX=$(command -v nginx || echo /usr/sbin/nginx)
  if [[ -n "$LB_PORT" && ! -x "$NGINX" ]]; then die "--lb needs nginx, which is not installed."; fi
  ((CONNECTIONS >= 1)) || die "a cluster needs at least one connection node."
  ((FANOUT >= 1 && HISTORY >= 1 && PRESENCE >= 1)) || die "a cluster needs at least one fanout, history and presence process."
  [[ -z "$(status)" ]] || die "a cluster from $DIR is still running; run cluster.sh down --dir $DIR first."
  down
  ((CONNECTIONS <= 100)) || die "at most 100 connection nodes (HTTP ports P..P+99)."

  REDIS_PORT=$((BASE_PORT + 100))
  local tiers=() role i k=0 members="" port
  for ((i = 1; i <= HISTORY; i++)); do tiers+=("history-$i"); done
  for ((i = 1; i <= PRESENCE; i++)); do tiers+=("presence-$i"); done
  for ((i = 1; i <= FANOUT; i++)); do tiers+=("fanout-$i"); done
  for ((i = 1; i <= CONNECTIONS; i++)); do tiers+=("connection-$i"); done
  for ((k = 0; k < ${#tiers[@]}; k++)); do members+="${members:+,}127.0.0.1:$((BASE_PORT + 200 + k))"; done
  for port in $REDIS_PORT $(seq "$BASE_PORT" $((BASE_PORT + CONNECTIONS - 1))) \
              $(seq $((BASE_PORT + 200)) $((BASE_PORT + 199 + ${#tiers[@]}))) \
              $(seq $((BASE_PORT + 300)) $((BASE_PORT + 299 + ${#tiers[@]}))) $LB_PORT; do
    port_free "$port" || die "port $port is in use; choose another --base-port."
  done

  trap 'trap - ERR; echo "cluster.sh: stopping what started." >&2; down' ERR
  start redis - redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --dir "$DIR"
  await_ready redis

  # one JVM per tier process; the first is started alone, so that the others join its cluster instead
  # of several forming at once (Hazelcast merges such clusters only minutes later)
  for ((k = 0; k < ${#tiers[@]}; k++)); do
    local name=${tiers[k]} label=- env=()
    role=${name%-*}
    env=(GATEWAY_REDIS_ENDPOINT="redis://127.0.0.1:$REDIS_PORT"
         GATEWAY_CLUSTER_NAME="rtgw-local-$BASE_PORT" GATEWAY_CLUSTER_HOST=127.0.0.1
         GATEWAY_CLUSTER_PORT=$((BASE_PORT + 200 + k)) GATEWAY_CLUSTER_BUS_PORT=$((BASE_PORT + 300 + k))
         GATEWAY_CLUSTER_MEMBERS="$members")
    if [[ $role == connection ]]; then
      label=$((BASE_PORT + ${name#connection-} - 1))
      env+=(GATEWAY_HTTP_HOST=127.0.0.1 GATEWAY_HTTP_PORT="$label")
    fi
    # shellcheck disable=SC2086
    start "$name" "$label" env "${env[@]}" java $JAVA_OPTS -jar "$JAR" "conf/$role.json"
    if ((k == 0)); then await_ready "$name"; fi
  done
  await_ready "${tiers[@]}"

  if [[ -n "$LB_PORT" ]]; then
    nginx_conf
    start nginx "$LB_PORT" "$NGINX" -p "$DIR/nginx" -c "$DIR/nginx/nginx.conf" -g "daemon off; pid $DIR/nginx/nginx.pid;"
    await_ready nginx
  fi
  trap - ERR
  status
}

logs() {
  [[ -n "${NAME-}" ]] || die "logs needs a process name (see cluster.sh status)."
  [[ -f "$DIR/$NAME.log" ]] || die "no log for $NAME in $DIR."
  if [[ -n "${FOLLOW-}" ]]; then exec tail -n +1 -F "$DIR/$NAME.log"; fi
  cat "$DIR/$NAME.log"
}

(($#)) || usage
command=$1
shift
case "$command" in
  up) parse "$@"; up ;;
  status) parse "$@"; status ;;
  down) parse "$@"; down ;;
  logs) parse "$@"; logs ;;
  *) usage ;;
esac
