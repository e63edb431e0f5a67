#!/usr/bin/env bash
# Figures for tallyfy-fake (see BENCHMARKS.md), on loopback only:
#   1. startup time (exec to the `listening on` line): release build with 100,000 guests (5 runs) and
#      with 1,000,000 guests (3 runs), debug build with 100,000 guests (5 runs);
#   2. requests per second for list_guests, per_page=100, measured by `wrk -t2 -c32 -d15s`: page 7,
#      and page 1000 with `with=stats`.
# Every run is checked: each started fake must serve all its seeded guests (meta.pagination.total);
# before each wrk run one request must return 200 and a full page of 100 guests; wrk must exit 0 and
# report no non-2xx response and no socket error; the fake must still be up afterwards. If any check
# fails, the script prints no figure at all and exits 1.
#
# Usage: crates/tallyfy-fake/bench/run.sh   (needs wrk: apt-get install wrk; and curl, python3)
# CARGO is the cargo command, word-split (default `cargo`), e.g. CARGO="flock /tmp/build.lock cargo".
set -euo pipefail
cd "$(dirname "$0")/../../.."
for tool in wrk curl python3; do
  command -v "$tool" >/dev/null || { echo "run.sh: needs $tool" >&2; exit 2; }
done

source tools/bench-lib.sh

build_copy fake-release tallyfy-fake -p tallyfy-fake --bin tallyfy-fake --release
release=$BUILT
build_copy fake-debug tallyfy-fake -p tallyfy-fake --bin tallyfy-fake
debug=$BUILT

# get PATH: GET on the running fake into $work/body, checking that the status is 200.
get() {
  local code
  code=$(curl -sS -o "$work/body" -w '%{http_code}' -H "Authorization: Bearer bench-token" \
    -H "X-Tallyfy-Client: APIClient" "$addr/api/organizations/bench-org/$1") || fail "GET $1: curl failed"
  [[ $code == 200 ]] || fail "GET $1: status $code"
}
# json EXPR: EXPR of the last body (`d`), or nothing if it is not JSON of that shape.
json() { python3 -c "import json, sys; d = json.load(sys.stdin); print($1)" < "$work/body" 2>/dev/null || true; }

# start BINARY GUESTS: starts the fake, sets STARTUP_MS (exec to the listening line) and addr, and
# checks that it serves GUESTS guests.
start() {
  local start end line
  start=$(date +%s%N)
  coproc SRV { exec "$1" --listen 127.0.0.1:0 --org bench-org --token bench-token --seed-guests "$2" --seed-members 20 2> "$work/fake.err"; }
  fake_pid=$SRV_PID
  read -r line <&"${SRV[0]}" || fail "tallyfy-fake exited before listening: $(cat "$work/fake.err")"
  end=$(date +%s%N)
  STARTUP_MS=$(((end - start) / 1000000))
  addr=$(sed -n 's/^listening on \(http:\/\/127\.0\.0\.1:[0-9]*\)$/\1/p' <<< "$line")
  [[ -n $addr ]] || fail "tallyfy-fake printed '$line', not its loopback address"
  get "guests?per_page=1"
  [[ $(json 'd["meta"]["pagination"]["total"]') == "$2" ]] || fail "the fake started with $2 guests does not serve $2"
}

report=$work/report
{
  echo "load average before the runs: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  echo "| startup (exec to the listening line) | runs |"
  echo "|---|---|"
} > "$report"
startups() { # LABEL BINARY GUESTS RUNS
  local times=()
  for _ in $(seq "$4"); do
    start "$2" "$3"
    times+=("$STARTUP_MS ms")
    stop_fake
  done
  local joined
  printf -v joined '%s, ' "${times[@]}"
  echo "| $1 | ${joined%, } |" >> "$report"
}
startups "release, 100,000 guests" "$release" 100000 5
startups "release, 1,000,000 guests" "$release" 1000000 3
startups "debug, 100,000 guests" "$debug" 100000 5

# rate QUERY LABEL: wrk against list_guests?QUERY after a checked request, and a row of the report.
rate() {
  local bytes status=0
  get "guests?$1"
  [[ $(json 'len(d["data"])') == 100 ]] || fail "guests?$1 did not return 100 guests"
  bytes=$(wc -c < "$work/body")
  wrk -t2 -c32 -d15s -H "Authorization: Bearer bench-token" -H "X-Tallyfy-Client: APIClient" \
    "$addr/api/organizations/bench-org/guests?$1" > "$work/wrk.out" 2>&1 || status=$?
  ((status == 0)) || { cat "$work/wrk.out" >&2; fail "wrk on guests?$1 exited with status $status"; }
  if grep -q -e 'Non-2xx or 3xx responses' -e 'Socket errors' "$work/wrk.out"; then
    cat "$work/wrk.out" >&2
    fail "wrk on guests?$1 saw failed requests"
  fi
  local requests rps transfer latency
  requests=$(sed -n 's/^ *\([0-9]*\) requests in .*/\1/p' "$work/wrk.out")
  rps=$(sed -n 's/^Requests\/sec: *\([0-9.]*\)$/\1/p' "$work/wrk.out")
  transfer=$(sed -n 's/^Transfer\/sec: *\([0-9.]*[KMG]*B\)$/\1/p' "$work/wrk.out")
  latency=$(sed -n 's/^ *Latency *\([0-9.]*[mu]*s\) .*/\1/p' "$work/wrk.out")
  [[ $requests =~ ^[0-9]+$ ]] && ((requests > 0)) && [[ -n $rps && -n $transfer && -n $latency ]] ||
    fail "wrk on guests?$1 reported no requests"
  kill -0 "$fake_pid" 2>/dev/null || fail "the fake was gone after wrk on guests?$1"
  echo "| $2 | $rps req/s | $requests | $((bytes / 1000)) KB | $transfer/s | $latency |" >> "$report"
}
start "$release" 100000
{
  echo
  echo "| list_guests, release, 100,000 guests, wrk -t2 -c32 -d15s | rate | requests | response | transfer | mean latency |"
  echo "|---|---|---|---|---|---|"
} >> "$report"
rate "per_page=100&page=7" "per_page=100&page=7"
rate "per_page=100&page=1000&with=stats" "per_page=100&page=1000&with=stats"
stop_fake
echo "load average after the runs: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$report"
cat "$report"
