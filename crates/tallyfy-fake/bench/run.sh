#!/usr/bin/env bash
# Figures for tallyfy-fake (see BENCHMARKS.md): startup time with 100k seeded guests, and requests per
# second for list_guests with per_page=100 measured by wrk (loopback only, 15 s).
# Usage: crates/tallyfy-fake/bench/run.sh   (needs wrk: apt-get install wrk)
set -euo pipefail
cd "$(dirname "$0")/../../.."
cargo build --release -q -p tallyfy-fake
bin=target/release/tallyfy-fake

echo "| startup with 100,000 guests (exec to the listening line) |"
echo "|---|"
for _ in 1 2 3 4 5; do
  start=$(date +%s%N)
  coproc SRV { exec "$bin" --listen 127.0.0.1:0 --org bench-org --token bench-token --seed-guests 100000 --seed-members 20; }
  read -r _line <&"${SRV[0]}"
  end=$(date +%s%N)
  echo "| $(( (end - start) / 1000000 )) ms |"
  kill -TERM "$SRV_PID"; wait "$SRV_PID" 2>/dev/null || true
done

out=$(mktemp)
"$bin" --listen 127.0.0.1:0 --org bench-org --token bench-token --seed-guests 100000 --seed-members 20 \
  --record-limit 0 > "$out" &
pid=$!
for _ in $(seq 100); do grep -q listening "$out" && break; sleep 0.05; done
addr=$(sed -n 's/^listening on //p' "$out")
echo
wrk -t2 -c32 -d15s -H "Authorization: Bearer bench-token" -H "X-Tallyfy-Client: APIClient" \
  "$addr/api/organizations/bench-org/guests?per_page=100&page=7"
kill "$pid"; wait "$pid" 2>/dev/null || true
