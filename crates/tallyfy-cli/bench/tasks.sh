#!/usr/bin/env bash
# Peak RSS of `tallyfy tasks list --per-page 100 --output ndjson` with about 1k and 100k tasks in
# the fake (see BENCHMARKS.md): a walk must hold one page at a time, so the two should be close.
# Builds release binaries, seeds the fake with processes (three to five tasks each; the exact task
# count is read from the fake's own pagination total first), and checks every run: it must exit 0,
# write one ndjson line per task, and leave the fake running. If any run fails, it prints no figure
# and exits 1.
#
# Usage: crates/tallyfy-cli/bench/tasks.sh
# CARGO is the cargo command, word-split (default `cargo`), e.g. CARGO="flock /tmp/build.lock cargo".
set -euo pipefail
cd "$(dirname "$0")/../../.."
[[ -x /usr/bin/time ]] || { echo "tasks.sh: needs GNU time at /usr/bin/time" >&2; exit 2; }

source tools/bench-lib.sh

build_copy tallyfy tallyfy --release -p tallyfy-cli
build_copy tallyfy-fake tallyfy-fake --release -p tallyfy-fake
tallyfy=$work/tallyfy

report=$work/report
{
  echo "load average before the runs: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  echo "| processes | tasks | peak RSS (KiB) | wall (s) |"
  echo "|---|---|---|---|"
} > "$report"
for processes in 275 27400; do
  "$work/tallyfy-fake" --listen 127.0.0.1:0 --org bench-org --token bench-token --seed-members 5 \
    --seed-templates 4 --seed-processes "$processes" --page-cap 100 > "$work/fake.out" 2> "$work/fake.err" &
  fake_pid=$!
  await_fake "$work/fake.out" "$work/fake.err" 2400
  export TALLYFY_BASE_URL=$addr/api TALLYFY_ACCESS_TOKEN=bench-token TALLYFY_ORG_ID=bench-org
  # The fake enforces no limit and the baseline paces nothing: compare the clients, not the limit.
  export TALLYFY_RATE_LIMIT=off
  # The fake's own count, independent of the walk being measured.
  tasks=$(python3 - "$addr" <<'PY'
import json, sys, urllib.request
req = urllib.request.Request(
    sys.argv[1] + "/api/organizations/bench-org/tasks?per_page=1",
    headers={"Authorization": "Bearer bench-token", "X-Tallyfy-Client": "bench"},
)
print(json.load(urllib.request.urlopen(req))["meta"]["pagination"]["total"])
PY
  ) || fail "could not read the task count"
  [[ $tasks =~ ^[0-9]+$ ]] || fail "no task count"
  status=0
  lines=$(/usr/bin/time -o "$work/time" -f '%e %M' "$tallyfy" tasks list --per-page 100 --output ndjson \
    2> "$work/run.err" | wc -l) || status=$?
  ((status == 0)) || { cat "$work/run.err" >&2; fail "tasks list exited with status $status"; }
  [[ $lines == "$tasks" ]] || fail "tasks list wrote $lines tasks, not $tasks"
  kill -0 "$fake_pid" 2>/dev/null || fail "the fake was gone after the walk"
  read -r wall rss < <(tail -1 "$work/time")
  [[ $wall =~ ^[0-9]+\.[0-9]+$ && $rss =~ ^[0-9]+$ ]] || fail "no time figures"
  echo "| $processes | $tasks | $rss | $wall |" >> "$report"
  stop_fake
done
echo "load average after the runs: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$report"
cat "$report"
