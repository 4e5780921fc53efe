# The distributed mode on one machine, as functions: sourced by scripts/run-distributed
# and the benchmarks that need it. A throwaway PostgreSQL and Redis under $base, the
# standalone simulator, api instances and workers. Ports come from the environment (not
# IMAGEGEN_* names, which the api refuses when it does not know them):
#   DIST_PG_PORT (55433), DIST_REDIS_PORT (56380), DIST_SIM_PORT (9010),
#   DIST_HEALTH_BASE (9090: worker n serves its health on base+n).
# The release binaries are built only when one is missing (DIST_BUILD=1 forces it).
# Each process's lines are labelled with its name ([api 8081], [worker 1], ...).
# Needs the PostgreSQL and Redis server binaries (scripts/install-test-services).

base=$(mktemp -d /tmp/imagegen-distributed.XXXXXX)
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
pg_bin=${IMAGEGEN_PG_BIN:-$pg_bin}
pg_port=${DIST_PG_PORT:-55433}
redis_port=${DIST_REDIS_PORT:-56380}
sim_port=${DIST_SIM_PORT:-9010}
health_base=${DIST_HEALTH_BASE:-9090}
secret=whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
jwt=local-distributed-secret-local-distributed
first_api=""
pids=()
declare -A api_pids

as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

# Runs "$@" in the background with each output line prefixed by [$1]; $! is its pid.
labelled() {
  local label=$1; shift
  "$@" > >(sed -u "s/^/[$label] /") 2>&1 &
}

stop_all() {
  echo "stopping..."
  kill "${pids[@]}" "${api_pids[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
  as_postgres "$pg_bin/pg_ctl" -D "$base/pg" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$base"
}

# PostgreSQL, Redis, the release binaries, the simulator and the migrations.
start_services() {
  echo "== PostgreSQL on :$pg_port, Redis on :$redis_port (in $base)"
  [ "$(id -u)" = 0 ] && chown postgres: "$base"
  as_postgres "$pg_bin/initdb" -D "$base/pg" -U postgres -A trust >/dev/null
  as_postgres "$pg_bin/pg_ctl" -D "$base/pg" -l "$base/pg.log" -w \
    -o "-p $pg_port -k $base -c listen_addresses=127.0.0.1" start >/dev/null
  labelled redis redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --dir "$base"
  pids+=($!)
  local bin
  for bin in imagegen-api imagegen-worker imagegen-provider-sim; do
    if [ "${DIST_BUILD:-0}" = 1 ] || [ ! -x "target/release/$bin" ]; then
      cargo build --release -p imagegen-api -p imagegen-worker -p imagegen-provider-sim
      break
    fi
  done
  export DATABASE_URL=postgres://postgres@127.0.0.1:$pg_port/postgres
  export REDIS_URL=redis://127.0.0.1:$redis_port
  export IMAGEGEN_JWT_SECRET=$jwt IMAGEGEN_WEBHOOK_SECRETS=$secret IMAGEGEN_DATA_DIR=$base/data
  export IMAGEGEN_PROVIDER=replicate IMAGEGEN_REPLICATE_BASE_URL=http://127.0.0.1:$sim_port/v1
  # Image copies from the local simulator; callbacks stay public-only.
  export IMAGEGEN_REPLICATE_API_TOKEN=r8_local IMAGEGEN_FETCH_ALLOW_PRIVATE=true
  # The simulator stands in for Replicate without Replicate's limit of 600 creates a
  # minute per process, which the benchmarks' rates (100/s) are far above.
  export IMAGEGEN_REPLICATE_CREATES_PER_MINUTE=${IMAGEGEN_REPLICATE_CREATES_PER_MINUTE:-1000000}
  echo "== simulator on :$sim_port"
  SIM_LISTEN=127.0.0.1:$sim_port SIM_WEBHOOK_SECRET=$secret labelled simulator ./target/release/imagegen-provider-sim
  pids+=($!)
  ./target/release/imagegen-api migrate
}

# An api instance on 127.0.0.1:$1; its pid in api_pids[$1]. Waits until it answers.
start_api() {
  first_api=${first_api:-$1}
  IMAGEGEN_LISTEN=127.0.0.1:$1 labelled "api $1" ./target/release/imagegen-api
  api_pids[$1]=$!
  for _ in $(seq 100); do
    curl -fs "http://127.0.0.1:$1/healthz" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "the api on :$1 did not start" >&2
  return 1
}

# Worker $1 (health on base+$1), sending providers to the first api started.
start_worker() {
  IMAGEGEN_PUBLIC_BASE_URL=http://127.0.0.1:${first_api:-8081} \
    IMAGEGEN_WORKER_LISTEN=127.0.0.1:$((health_base + $1)) \
    labelled "worker $1" ./target/release/imagegen-worker
  pids+=($!)
}

# An admin token and a user token (with its user id), minted by `imagegen-api token`.
print_tokens() {
  local user
  user=$(cat /proc/sys/kernel/random/uuid)
  echo "== tokens (valid 12 hours):"
  echo "ADMIN_TOKEN=$(./target/release/imagegen-api token --user "$(cat /proc/sys/kernel/random/uuid)" --role admin --ttl 12h)"
  echo "USER_ID=$user"
  echo "TOKEN=$(./target/release/imagegen-api token --user "$user" --ttl 12h)"
}
