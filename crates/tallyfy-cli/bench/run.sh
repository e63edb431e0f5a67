#!/usr/bin/env bash
# Memory and wall-time figures for the `tallyfy` CLI (see BENCHMARKS.md). Builds release binaries,
# starts the fake on loopback (page cap 100), and measures with /usr/bin/time:
#   1. peak RSS of `tallyfy guests list --per-page 100 --output ndjson` with 1k and 100k guests;
#   2. wall time listing 20k guests: the CLI (sequential and --concurrency 4) vs the documented
#      Python `requests` loop (requests_walk.py), each walking the same fake.
# Every run is checked: it must exit 0 and deliver every seeded guest (the CLI one ndjson line per
# guest, the Python loop its printed count), and the fake must still be up afterwards. If any run
# fails, the script prints no figure at all and exits 1.
#
# Usage: crates/tallyfy-cli/bench/run.sh [latency-ms]   (default 0)
# CARGO is the cargo command, word-split (default `cargo`), e.g. CARGO="flock /tmp/build.lock cargo".
set -euo pipefail
cd "$(dirname "$0")/../../.."
latency=${1:-0}
[[ $latency =~ ^[0-9]+$ ]] || { echo "usage: $0 [latency-ms]" >&2; exit 2; }
[[ -x /usr/bin/time ]] || { echo "run.sh: needs GNU time at /usr/bin/time" >&2; exit 2; }

source tools/bench-lib.sh

build_copy tallyfy tallyfy --release -p tallyfy-cli
build_copy tallyfy-fake tallyfy-fake --release -p tallyfy-fake
tallyfy=$work/tallyfy

start_fake() { # guests -> sets fake_pid and exports the CLI's environment
  "$work/tallyfy-fake" --listen 127.0.0.1:0 --org bench-org --token bench-token --seed-guests "$1" \
    --seed-members 5 --latency-ms "$latency" --page-cap 100 > "$work/fake.out" 2> "$work/fake.err" &
  fake_pid=$!
  await_fake "$work/fake.out" "$work/fake.err" 600
  export TALLYFY_BASE_URL=$addr/api TALLYFY_ACCESS_TOKEN=bench-token TALLYFY_ORG_ID=bench-org
  # The fake enforces no limit and the baseline paces nothing: compare the clients, not the limit.
  export TALLYFY_RATE_LIMIT=off
}

# measure HOW EXPECTED COMMAND...: runs COMMAND under /usr/bin/time and sets WALL (s) and RSS (KiB),
# after checking that it exited 0, delivered EXPECTED items and left the fake running. HOW says what
# an item is: `lines`, a line on stdout (the CLI's ndjson, counted by wc as it streams, so nothing
# holds the output), or `printed`, the count on the command's last line (the Python loop).
measure() {
  local how=$1 expected=$2 status=0 items
  shift 2
  if [[ $how == lines ]]; then
    items=$(/usr/bin/time -o "$work/time" -f '%e %M' "$@" 2> "$work/run.err" | wc -l) || status=$?
  else
    /usr/bin/time -o "$work/time" -f '%e %M' "$@" > "$work/run.out" 2> "$work/run.err" || status=$?
    items=$(tail -1 "$work/run.out")
  fi
  if ((status != 0)); then
    cat "$work/run.err" >&2
    fail "'$*' exited with status $status"
  fi
  [[ $items == "$expected" ]] || fail "'$*' delivered $items items, not $expected"
  kill -0 "$fake_pid" 2>/dev/null || fail "the fake was gone after '$*'"
  read -r WALL RSS < <(tail -1 "$work/time")
  [[ $WALL =~ ^[0-9]+\.[0-9]+$ && $RSS =~ ^[0-9]+$ ]] || fail "no time figures for '$*'"
}

# Figures are collected here and printed only once every run has passed.
report=$work/report
{
  echo "load average before the runs: $(cut -d' ' -f1-3 /proc/loadavg); fake latency $latency ms"
  echo
  echo "| guests | peak RSS (KiB) |"
  echo "|---|---|"
} > "$report"
for n in 1000 100000; do
  start_fake "$n"
  measure lines "$n" "$tallyfy" guests list --per-page 100 --output ndjson
  echo "| $n | $RSS |" >> "$report"
  stop_fake
done

{
  echo
  echo "| 20k guests, per_page 100 | wall time (s) |"
  echo "|---|---|"
} >> "$report"
start_fake 20000
measure lines 20000 "$tallyfy" guests list --per-page 100 --output ndjson
echo "| tallyfy CLI, sequential | $WALL |" >> "$report"
measure lines 20000 "$tallyfy" guests list --per-page 100 --concurrency 4 --output ndjson
echo "| tallyfy CLI, --concurrency 4 | $WALL |" >> "$report"
measure printed 20000 python3 crates/tallyfy-cli/bench/requests_walk.py 100
echo "| Python requests loop | $WALL |" >> "$report"
stop_fake
echo "load average after the runs: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$report"
cat "$report"
