# The distributed mode on one machine, as functions: sourced by scripts/run-distributed
# and the benchmarks that need it. A throwaway PostgreSQL (:55433) and Redis (:56380)
# under $base, the standalone simulator (:9010), api instances and workers.
# Needs the PostgreSQL and Redis server binaries (scripts/install-test-services).

base=$(mktemp -d /tmp/imagegen-distributed.XXXXXX)
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
pg_bin=${IMAGEGEN_PG_BIN:-$pg_bin}
secret=whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
jwt=local-distributed-secret-local-distributed
pids=()
declare -A api_pids

as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

stop_all() {
  echo "stopping..."
  kill "${pids[@]}" "${api_pids[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
  as_postgres "$pg_bin/pg_ctl" -D "$base/pg" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$base"
}

# PostgreSQL, Redis, the release binaries, the simulator and the migrations.
start_services() {
  echo "== PostgreSQL on :55433, Redis on :56380 (in $base)"
  [ "$(id -u)" = 0 ] && chown postgres: "$base"
  as_postgres "$pg_bin/initdb" -D "$base/pg" -U postgres -A trust >/dev/null
  as_postgres "$pg_bin/pg_ctl" -D "$base/pg" -l "$base/pg.log" -w \
    -o "-p 55433 -k $base -c listen_addresses=127.0.0.1" start >/dev/null
  redis-server --port 56380 --bind 127.0.0.1 --save "" --appendonly no --dir "$base" >/dev/null &
  pids+=($!)
  cargo build --release -p imagegen-api -p imagegen-worker -p imagegen-provider-sim
  export DATABASE_URL=postgres://postgres@127.0.0.1:55433/postgres
  export REDIS_URL=redis://127.0.0.1:56380
  export IMAGEGEN_JWT_SECRET=$jwt IMAGEGEN_WEBHOOK_SECRETS=$secret IMAGEGEN_DATA_DIR=$base/data
  export IMAGEGEN_PROVIDER=replicate IMAGEGEN_REPLICATE_BASE_URL=http://127.0.0.1:9010/v1
  export IMAGEGEN_REPLICATE_API_TOKEN=r8_local IMAGEGEN_FETCH_ALLOW_PRIVATE=true
  # The simulator stands in for Replicate without Replicate's limit of 600 creates a
  # minute per process, which the benchmarks' rates (100/s) are far above.
  export IMAGEGEN_REPLICATE_CREATES_PER_MINUTE=${IMAGEGEN_REPLICATE_CREATES_PER_MINUTE:-1000000}
  echo "== simulator on :9010"
  SIM_LISTEN=127.0.0.1:9010 SIM_WEBHOOK_SECRET=$secret ./target/release/imagegen-provider-sim &
  pids+=($!)
  ./target/release/imagegen-api migrate
}

# An api instance on 127.0.0.1:$1; its pid in api_pids[$1]. Waits until it answers.
start_api() {
  IMAGEGEN_LISTEN=127.0.0.1:$1 ./target/release/imagegen-api &
  api_pids[$1]=$!
  for _ in $(seq 100); do
    curl -fs "http://127.0.0.1:$1/healthz" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "the api on :$1 did not start" >&2
  return 1
}

# Worker $1 (health on :909$1), sending providers to the api on :8081.
start_worker() {
  IMAGEGEN_PUBLIC_BASE_URL=http://127.0.0.1:8081 IMAGEGEN_WORKER_LISTEN=127.0.0.1:909$1 \
    ./target/release/imagegen-worker &
  pids+=($!)
}
