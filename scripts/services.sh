#!/usr/bin/env bash
# Starts a private RabbitMQ and PostgreSQL on free loopback ports for the tests and benchmarks, installing them
# from Debian's packages when they are missing. Source it, call start_services, and stop_services when done:
#   source scripts/services.sh && start_services && trap stop_services EXIT
# It exports ORCHESTRATOR_TEST_RABBITMQ and ORCHESTRATOR_TEST_POSTGRES. When both are already set, it uses those
# servers instead and starts nothing.

SERVICES_STATE=""

log() { printf '[services] %s\n' "$*" >&2; }

# A loopback port nothing listens on, from 20000-44999: below the kernel's ephemeral range, and low enough that
# RabbitMQ's CLI, which listens on the distribution port + 10000..10010, stays under 65536.
free_port() {
  local port attempt
  for attempt in $(seq 1 200); do
    port=$((20000 + RANDOM % 25000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return 0; fi
  done
  log "found no free port"; return 1
}

as_user() { # as_user USER CMD...: runs CMD as USER when we are root, else as ourselves
  local user=$1; shift
  if [ "$(id -u)" = 0 ]; then runuser -u "$user" -- "$@"; else "$@"; fi
}

apt_install() {
  if [ "$(id -u)" != 0 ]; then
    log "missing: $*; install these Debian packages (as root: apt-get install $*) and run again"
    return 1
  fi
  log "installing $* from Debian's packages"
  if [ -z "${APT_UPDATED:-}" ]; then apt-get update -qq >/dev/null && APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

start_rabbitmq() {
  command -v rabbitmq-server >/dev/null || apt_install rabbitmq-server || return 1
  local dir=$SERVICES_STATE/rabbitmq
  mkdir -p "$dir/mnesia" "$dir/log"
  echo '[].' > "$dir/enabled_plugins"
  if [ "$(id -u)" = 0 ]; then chown -R rabbitmq:rabbitmq "$dir"; fi

  local port dist_port
  port=$(free_port) && dist_port=$(free_port) || return 1
  export RABBITMQ_NODENAME="orchestrator-test-$$@localhost"
  export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT=$port RABBITMQ_DIST_PORT=$dist_port
  export RABBITMQ_MNESIA_BASE=$dir/mnesia RABBITMQ_LOG_BASE=$dir/log RABBITMQ_ENABLED_PLUGINS_FILE=$dir/enabled_plugins
  export RABBITMQ_PID_FILE=$dir/rabbitmq.pid
  # Erlang's own distribution listener stays on loopback too.
  export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
  export ERL_EPMD_ADDRESS=127.0.0.1

  log "starting RabbitMQ on 127.0.0.1:$port"
  nohup rabbitmq-server > "$dir/server.out" 2>&1 &
  local server=$! deadline=$((SECONDS + 180))
  # await_startup fails at once until the node has registered itself, so ask again until it answers.
  until rabbitmqctl -n "$RABBITMQ_NODENAME" -q await_startup --timeout 60 >/dev/null 2>&1; do
    if ((SECONDS > deadline)) || ! kill -0 "$server" 2>/dev/null; then
      log "RabbitMQ did not start; its output:"; tail -n 40 "$dir/server.out" "$dir"/log/*.log >&2
      kill_rabbitmq
      return 1
    fi
    sleep 1
  done
  export ORCHESTRATOR_TEST_RABBITMQ="amqp://guest:guest@127.0.0.1:$port/"
}

kill_rabbitmq() { # the Erlang VM writes its pid to RABBITMQ_PID_FILE; the wrapper processes end with it
  [ -s "${RABBITMQ_PID_FILE:-}" ] && kill "$(cat "$RABBITMQ_PID_FILE")" 2>/dev/null || true
}

pg_bin() { # the folder of initdb and pg_ctl: the ones on PATH, else Debian's newest
  local dir
  for dir in "$(dirname "$(command -v initdb 2>/dev/null || echo /nonexistent/x)")" \
             $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] && { echo "$dir"; return 0; }
  done
  return 1
}

start_postgres() {
  local bin
  bin=$(pg_bin) || { apt_install postgresql && bin=$(pg_bin); } || return 1
  if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then useradd --system --create-home postgres; fi

  local dir=$SERVICES_STATE/postgres port
  mkdir -p "$dir/socket"
  if [ "$(id -u)" = 0 ]; then chown -R postgres "$dir"; fi
  port=$(free_port) || return 1
  as_user postgres "$bin/initdb" -D "$dir/data" -U orchestrator --auth=trust -E UTF8 --no-instructions >"$dir/initdb.log" 2>&1 \
    || { log "initdb failed:"; cat "$dir/initdb.log" >&2; return 1; }
  log "starting PostgreSQL on 127.0.0.1:$port"
  as_user postgres "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-p $port -k $dir/socket -c listen_addresses=127.0.0.1 -c max_connections=300" start >/dev/null \
    || { log "PostgreSQL did not start:"; tail -n 40 "$dir/server.log" >&2; return 1; }
  PG_CTL="$bin/pg_ctl"
  export ORCHESTRATOR_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=orchestrator;Database=postgres"
}

require_node() { # the local cloud runs functions in Node.js
  command -v node >/dev/null || { log "Node.js is required: the local cloud runs functions in it (apt-get install nodejs)"; return 1; }
}

start_services() {
  if [ -n "${ORCHESTRATOR_TEST_RABBITMQ:-}" ] && [ -n "${ORCHESTRATOR_TEST_POSTGRES:-}" ]; then
    log "using the servers named by ORCHESTRATOR_TEST_RABBITMQ and ORCHESTRATOR_TEST_POSTGRES"
    return 0
  fi
  SERVICES_STATE=$(mktemp -d /tmp/orchestrator-services.XXXXXX)
  chmod 755 "$SERVICES_STATE"
  start_postgres && start_rabbitmq
}

# For a script that needs the servers and the local cloud: starts them, stops them when the script exits.
use_services() {
  trap stop_services EXIT
  start_services && require_node
}

stop_services() {
  [ -n "$SERVICES_STATE" ] || return 0
  if [ -n "${RABBITMQ_NODENAME:-}" ]; then
    rabbitmqctl -n "$RABBITMQ_NODENAME" -q stop >/dev/null 2>&1 || kill_rabbitmq
  fi
  if [ -n "${PG_CTL:-}" ]; then as_user postgres "$PG_CTL" -D "$SERVICES_STATE/postgres/data" -m fast stop >/dev/null 2>&1 || true; fi
  rm -rf "$SERVICES_STATE"
  SERVICES_STATE=""
}
