#!/usr/bin/env bash
# imagegen's Redis queue and BullMQ, alternating on one Redis, same jobs, same
# concurrency; each run prints its JSON line plus the Redis CPU it cost per job.
# usage: bench/queue-vs-bullmq.sh <redis-url> [jobs] [rounds] [concurrency...]
# Needs: a running Redis, `cargo build --release -p imagegen-loadgen`, Node.js, and
# `npm install` in bench/bullmq.
set -euo pipefail
cd "$(dirname "$0")/.."
url=${1:?redis url}; jobs=${2:-20000}; rounds=${3:-3}; shift $(( $# < 3 ? $# : 3 ))
levels=("${@:-50 1}"); [ $# -eq 0 ] && levels=(50 1)
host=$(echo "$url" | sed -E 's#redis://([^:/]+):?([0-9]*).*#\1#')
port=$(echo "$url" | sed -E 's#redis://[^:/]+:?([0-9]*).*#\1#'); port=${port:-6379}
cpu() { redis-cli -h "$host" -p "$port" INFO cpu | awk -F: '/used_cpu_(sys|user):/ { s += $2 } END { printf "%.3f", s }'; }
measure() {
  local before after line
  before=$(cpu); line=$("$@"); after=$(cpu)
  echo "$line" | sed -E "s/}\$/,\"redis_cpu_us_per_job\":$(awk -v a="$after" -v b="$before" -v n="$jobs" 'BEGIN { printf "%.1f", (a - b) * 1e6 / n }')}/"
}
for round in $(seq "$rounds"); do
  for c in "${levels[@]}"; do
    measure ./target/release/imagegen-loadgen queue --redis-url "$url" --jobs "$jobs" --concurrency "$c"
    measure node bench/bullmq/bench.mjs "$url" "$jobs" "$c"
  done
done
