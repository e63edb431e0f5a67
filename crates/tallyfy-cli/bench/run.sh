#!/usr/bin/env bash
# Memory and wall-time figures for the `tallyfy` CLI (see BENCHMARKS.md). Builds release binaries,
# starts the fake on loopback, and measures:
#   1. peak RSS of `tallyfy guests list --per-page 100 --output ndjson > /dev/null` with 1k and 100k guests;
#   2. wall time listing 20k guests: the CLI (sequential and --concurrency 4) vs the documented
#      Python `requests` loop (requests_walk.py), each walking the same fake.
# Usage: crates/tallyfy-cli/bench/run.sh [latency-ms]   (default 0)
set -euo pipefail
cd "$(dirname "$0")/../../.."
latency=${1:-0}
cargo build --release -q -p tallyfy-cli -p tallyfy-fake
bin=target/release

start_fake() { # guests -> sets FAKE_PID and TALLYFY_BASE_URL
  local out; out=$(mktemp)
  "$bin/tallyfy-fake" --listen 127.0.0.1:0 --org bench-org --token bench-token \
    --seed-guests "$1" --seed-members 5 --latency-ms "$latency" --page-cap 100 > "$out" &
  FAKE_PID=$!
  for _ in $(seq 100); do grep -q listening "$out" && break; sleep 0.05; done
  TALLYFY_BASE_URL="$(sed -n 's/^listening on //p' "$out")/api"
  export TALLYFY_BASE_URL TALLYFY_ACCESS_TOKEN=bench-token TALLYFY_ORG_ID=bench-org
}
stop_fake() { kill "$FAKE_PID"; wait "$FAKE_PID" 2>/dev/null || true; }

peak_rss_kib() { /usr/bin/time -f '%M' "$@" 2>&1 >/dev/null | tail -1; }

echo "| guests | peak RSS (KiB) |"
echo "|---|---|"
for n in 1000 100000; do
  start_fake "$n"
  rss=$(peak_rss_kib "$bin/tallyfy" guests list --per-page 100 --output ndjson)
  echo "| $n | $rss |"
  stop_fake
done

echo
echo "| 20k guests, per_page 100 | wall time (s) |"
echo "|---|---|"
start_fake 20000
t() { /usr/bin/time -f '%e' "$@" 2>&1 >/dev/null | tail -1; }
echo "| tallyfy CLI, sequential | $(t "$bin/tallyfy" guests list --per-page 100 --output ndjson) |"
echo "| tallyfy CLI, --concurrency 4 | $(t "$bin/tallyfy" guests list --per-page 100 --concurrency 4 --output ndjson) |"
echo "| Python requests loop | $(t python3 crates/tallyfy-cli/bench/requests_walk.py 100) |"
stop_fake
