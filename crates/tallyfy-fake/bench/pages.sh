#!/usr/bin/env bash
# What one list page costs the fake (see BENCHMARKS.md, "#15"): `wrk -t1 -c1 -d4s` on one
# connection, release build, with 1,000 and with 100,000 seeded guests, default sort:
#   - the first and the last page of 100, each read again and again (its guests' JSON cached);
#   - a walk, page 1, 2, ... to the last and round again, so that most pages are rendered cold
#     (the render cache holds 20,000 guests);
#   - the first and the last page of one guest.
# Every run is checked: one GET first must return 200 with a full page, and wrk must report no
# non-2xx answer and no socket error. If a check fails, no figure is printed.
#
# Usage: crates/tallyfy-fake/bench/pages.sh [BINARY]   (default: a release build of this tree;
# pass another binary, such as an older build, to compare). Needs wrk and curl.
set -euo pipefail
cd "$(dirname "$0")/../../.."
for tool in wrk curl python3; do
  command -v "$tool" >/dev/null || { echo "pages.sh: needs $tool" >&2; exit 2; }
done
source tools/bench-lib.sh
bench=crates/tallyfy-fake/bench
if [[ -n ${1:-} ]]; then
  bin=$1
else
  build_copy fake tallyfy-fake -p tallyfy-fake --bin tallyfy-fake --release
  bin=$BUILT
fi

# latency ARGS...: one wrk run; sets AVG and P50, after checking it saw only 2xx answers.
latency() {
  wrk -t1 -c1 -d4s --latency "$@" > "$work/wrk" 2>&1 || fail "wrk $* failed: $(cat "$work/wrk")"
  ! grep -q "Non-2xx\|Socket errors" "$work/wrk" || fail "wrk $* saw errors: $(cat "$work/wrk")"
  AVG=$(awk '/Latency/ && !/Distribution/ {print $2}' "$work/wrk")
  P50=$(awk '$1 == "50%" {print $2}' "$work/wrk")
  [[ -n $AVG && -n $P50 ]] || fail "no latency in: $(cat "$work/wrk")"
}

report=$work/report
{
  echo "load average before the runs: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  echo "| guests | request | mean | median |"
  echo "|---|---|---|---|"
} > "$report"
for guests in 1000 100000; do
  "$bin" --listen 127.0.0.1:0 --org bench-org --token bench-token --seed-guests "$guests" --seed-members 5 \
    --record-limit 0 > "$work/fake.out" 2> "$work/fake.err" &
  fake_pid=$!
  await_fake "$work/fake.out" "$work/fake.err" 600
  url=$addr/api/organizations/bench-org/guests
  count=$(curl -sS -H "Authorization: Bearer bench-token" -H "X-Tallyfy-Client: APIClient" "$url?per_page=100" \
    | python3 -c 'import json, sys; print(len(json.load(sys.stdin)["data"]))') || fail "the first GET failed"
  [[ $count == 100 ]] || fail "the first page held $count guests, not 100"
  last=$(((guests + 99) / 100))
  for case in "page 1 of 100|$url?per_page=100&page=1" "page $last of 100 (the last)|$url?per_page=100&page=$last" \
    "page 1 of 1|$url?per_page=1&page=1" "page $guests of 1 (the last)|$url?per_page=1&page=$guests"; do
    latency -s "$bench/auth.lua" "${case#*|}"
    echo "| $guests | ${case%%|*} | $AVG | $P50 |" >> "$report"
  done
  PAGES=$last PER_PAGE=100 latency -s "$bench/walk.lua" "$url"
  echo "| $guests | walk: pages 1 to $last of 100, round and round | $AVG | $P50 |" >> "$report"
  stop_fake
done
echo >> "$report"
echo "load average after the runs: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$report"
cat "$report"
