#!/usr/bin/env bash
# Kills an api instance mid-stream and restarts it, under load: the distributed mode on
# one machine (scripts/distributed-lib.sh: PostgreSQL, Redis, the standalone simulator,
# apis on :8081 and :8082, two workers), users watching on both apis in turn, and
# generations created through :8081. After $kill_after seconds the api on :8082 is
# killed with SIGKILL and started again 2 s later; its clients reconnect (to :8081, then
# round again) resuming from their last position. Prints the load generator's line:
# `lost` and `duplicated` must be 0. `kill_after` 0 kills nothing (the baseline).
#
#   bench/kill-api-mid-stream.sh [users] [generations] [rate] [transport] [kill_after]
set -euo pipefail
cd "$(dirname "$0")/.."
users=${1:-1000}; generations=${2:-3000}; rate=${3:-100}; transport=${4:-sse}; kill_after=${5:-8}
source scripts/distributed-lib.sh
trap stop_all EXIT INT TERM

export RUST_LOG=${RUST_LOG:-warn}
start_services >"$base/services.log" 2>&1
cargo build --release -p imagegen-loadgen 2>/dev/null
for port in 8081 8082; do start_api "$port" >>"$base/api.log" 2>&1; done
for n in 1 2; do start_worker "$n" >>"$base/worker.log" 2>&1; done

./target/release/imagegen-loadgen watch --server 127.0.0.1:8081 --server 127.0.0.1:8082 \
  --transport "$transport" --users "$users" --generations "$generations" --rate "$rate" \
  --jwt-secret "$jwt" > "$base/result.json" &
load=$!
if [ "$kill_after" != 0 ]; then
  sleep "$kill_after"
  echo "== killing the api on :8082 (pid ${api_pids[8082]}) with SIGKILL" >&2
  kill -9 "${api_pids[8082]}"
  sleep 2
  echo "== starting it again" >&2
  start_api 8082 >>"$base/api.log" 2>&1
fi
wait "$load"
cat "$base/result.json"
