#!/usr/bin/env bash
# Rate limits and throughput (see BENCHMARKS.md, "#15"). Builds release binaries, installs Tallyfy's
# Python SDK (PyPI `tallyfy`, pinned) into .venv-bench, and on loopback measures:
#   1. listing 20k guests, 100 per page (200 requests), against a fake that allows 50 requests per
#      rolling second, each row on a fresh fake: the floor is 3 s (the first 50 may go at once, the
#      151st not before 3 s have passed);
#        - the CLI (the SDK underneath) paced to 50/1s, --concurrency 8;
#        - the CLI with pacing off, --concurrency 8 (it only retries after a 429, as Tallyfy's own
#          clients do);
#        - Tallyfy's Python SDK walking the same pages (crates/tallyfy-cli/bench/py_sdk_walk.py);
#      with wall time, requests and 429s as the fake counted them (GET /__fake/stats);
#   2. a burst of 40 guest invites against the documented hourly cap of 30: what the caller sees;
#   3. listing 20k guests with no limit: the CLI (sequential) against the Python SDK, 5 rounds.
# Every run is checked: exit status, every guest delivered, the fake still up, its stats readable.
# If any check fails, the script prints no figure at all and exits 1.
#
# Usage: crates/tallyfy-cli/bench/rate_limit.sh   (needs python3 with venv, curl, /usr/bin/time)
# CARGO is the cargo command, word-split (default `cargo`).
set -euo pipefail
cd "$(dirname "$0")/../../.."
[[ -x /usr/bin/time ]] || { echo "rate_limit.sh: needs GNU time at /usr/bin/time" >&2; exit 2; }
for tool in curl python3; do
  command -v "$tool" >/dev/null || { echo "rate_limit.sh: needs $tool" >&2; exit 2; }
done

source tools/bench-lib.sh

PY_SDK_VERSION=3.1.0
VENV=.venv-bench
if [[ ! -x $VENV/bin/python ]] || ! "$VENV/bin/python" -c "import importlib.metadata as m, sys; sys.exit(m.version('tallyfy') != '$PY_SDK_VERSION')" 2>/dev/null; then
  python3 -m venv "$VENV" || fail "could not make $VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "tallyfy==$PY_SDK_VERSION" || fail "pip install tallyfy==$PY_SDK_VERSION failed"
fi

build_copy tallyfy tallyfy --release -p tallyfy-cli
build_copy tallyfy-fake tallyfy-fake --release -p tallyfy-fake
tallyfy=$work/tallyfy
GUESTS=20000

start_fake() { # extra fake flags...
  "$work/tallyfy-fake" --listen 127.0.0.1:0 --org bench-org --token bench-token --seed-guests $GUESTS \
    --seed-members 5 --page-cap 100 "$@" > "$work/fake.out" 2> "$work/fake.err" &
  fake_pid=$!
  await_fake "$work/fake.out" "$work/fake.err" 600
  export TALLYFY_BASE_URL=$addr/api TALLYFY_ACCESS_TOKEN=bench-token TALLYFY_ORG_ID=bench-org
}

# stats: sets REQUESTS and LIMITED (429s) from the fake's own count.
stats() {
  curl -sS -H "Authorization: Bearer bench-token" "$addr/__fake/stats" > "$work/stats" || fail "GET /__fake/stats failed"
  read -r REQUESTS LIMITED < <(python3 -c 'import json, sys; d = json.load(sys.stdin); print(d["requests"], d["by_status"].get("429", 0))' < "$work/stats") \
    || fail "unreadable stats: $(cat "$work/stats")"
}

# walk HOW COMMAND...: runs COMMAND under /usr/bin/time, checks it exited 0 and delivered every guest
# (HOW: `lines` of ndjson, or the `printed` count on its last line), and sets WALL (s, from time)
# and MS (ms, from the clock, around the whole pipeline).
walk() {
  local how=$1 status=0 items
  shift
  local start=$(date +%s%N)
  if [[ $how == lines ]]; then
    items=$(/usr/bin/time -o "$work/time" -f '%e' "$@" 2> "$work/run.err" | wc -l) || status=$?
  else
    /usr/bin/time -o "$work/time" -f '%e' "$@" > "$work/run.out" 2> "$work/run.err" || status=$?
    items=$(tail -1 "$work/run.out")
  fi
  MS=$((($(date +%s%N) - start) / 1000000))
  ((status == 0)) || { cat "$work/run.err" >&2; fail "'$*' exited with status $status"; }
  [[ $items == "$GUESTS" ]] || fail "'$*' delivered $items guests, not $GUESTS"
  kill -0 "$fake_pid" 2>/dev/null || fail "the fake was gone after '$*'"
  WALL=$(tail -1 "$work/time")
  [[ $WALL =~ ^[0-9]+\.[0-9]+$ ]] || fail "no time for '$*'"
}

report=$work/report
echo "load average before the runs: $(cut -d' ' -f1-3 /proc/loadavg)" > "$report"

# 1. Against the limit.
{
  echo
  echo "Listing $GUESTS guests, 100 per page, fake limit 50 requests per rolling second (floor 3 s):"
  echo
  echo "| client | wall | × floor | requests | 429s | 429 share |"
  echo "|---|---|---|---|---|---|"
} >> "$report"
limited_row() { # label how command... (an argument @API@ becomes the fresh fake's API URL)
  local label=$1 args=()
  shift
  start_fake --rate-limit 50 --rate-window-secs 1
  for a in "$@"; do [[ $a == @API@ ]] && args+=("$addr/api") || args+=("$a"); done
  walk "${args[@]}"
  stats
  echo "| $label | ${WALL} s | $(python3 -c "print(f'{$WALL / 3:.2f}')") | $REQUESTS | $LIMITED | $(python3 -c "print(f'{100 * $LIMITED / $REQUESTS:.1f} %')") |" >> "$report"
  stop_fake
}
limited_row "SDK (CLI), paced 50/1s, concurrency 8" lines \
  "$tallyfy" --rate-limit 50/1s guests list --per-page 100 --concurrency 8 --output ndjson
limited_row "SDK (CLI), pacing off, concurrency 8" lines \
  "$tallyfy" --rate-limit off guests list --per-page 100 --concurrency 8 --output ndjson
limited_row "Python SDK $PY_SDK_VERSION, sequential" printed \
  "$VENV/bin/python" crates/tallyfy-cli/bench/py_sdk_walk.py @API@ bench-org bench-token 100

# 2. A burst of 40 invites against the hourly cap of 30 (the documented caps come with --rate-limit).
start_fake --rate-limit 600 --rate-window-secs 60
created=0 refused=0 slowest=0 first_refusal=
for i in $(seq 1 40); do
  status=0
  start=$(date +%s%N)
  "$tallyfy" guests create --email "burst$i@bench.example" --output json > /dev/null 2> "$work/invite.err" || status=$?
  ms=$((($(date +%s%N) - start) / 1000000))
  case $status in
    0) created=$((created + 1)) ;;
    6)
      refused=$((refused + 1))
      ((ms > slowest)) && slowest=$ms
      [[ -n $first_refusal ]] || first_refusal=$(head -1 "$work/invite.err")
      ;;
    *) cat "$work/invite.err" >&2; fail "invite $i exited with status $status" ;;
  esac
done
((created == 30 && refused == 10)) || fail "40 invites: $created created and $refused refused, not 30 and 10"
[[ $first_refusal == *"Guest Invite"* && $first_refusal == *"retry after"* ]] || fail "the refusal does not say what and how long: $first_refusal"
stats
((LIMITED == 10)) || fail "the fake answered $LIMITED 429s to the burst, not 10 (a refused invite was retried)"
stop_fake
{
  echo
  echo "A burst of 40 guest invites (\`tallyfy guests create\`, one process each) against the hourly cap of 30:"
  echo "$created created; $refused refused at once with exit status 6, the slowest refusal in $slowest ms (the"
  echo "whole command), each with one request (the fake answered $LIMITED 429s). The refusal, as printed:"
  echo
  echo "    $first_refusal"
} >> "$report"

# 3. No limit: the CLI against the Python SDK, 5 rounds in turn, each timed to the millisecond.
start_fake
cli_times=() py_times=()
for _ in 1 2 3 4 5; do
  walk lines "$tallyfy" --rate-limit off guests list --per-page 100 --output ndjson
  cli_times+=("$MS")
  walk printed "$VENV/bin/python" crates/tallyfy-cli/bench/py_sdk_walk.py "$addr/api" bench-org bench-token 100
  py_times+=("$MS")
done
stop_fake
median() { printf '%s\n' "$@" | sort -n | sed -n 3p; }
cli=$(median "${cli_times[@]}") py=$(median "${py_times[@]}")
{
  echo
  echo "Listing $GUESTS guests, 100 per page, no limit, sequential (5 rounds in turn; median, and all rounds in ms):"
  echo
  echo "| client | median | rounds |"
  echo "|---|---|---|"
  echo "| \`tallyfy guests list\` | $cli ms | ${cli_times[*]} |"
  echo "| Python SDK $PY_SDK_VERSION | $py ms | ${py_times[*]} |"
  echo "| **ratio of the medians** | **$(python3 -c "print(f'{$py / $cli:.1f}')")×** | |"
  echo
  echo "load average after the runs: $(cut -d' ' -f1-3 /proc/loadavg)"
} >> "$report"
cat "$report"
