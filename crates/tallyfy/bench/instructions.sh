#!/usr/bin/env bash
# Instructions per get_guest call, per contender, counted by callgrind: (instructions for N2 calls -
# instructions for N1 calls) / (N2 - N1). Repeatable whatever else the machine is doing. Two figures
# per contender (see BENCHMARKS.md):
#   in-process   the bench binary runs the fake on a thread of its own, so the count holds the
#                fake's work too (the same for every contender);
#   client only  the fake is a separate `tallyfy-fake` process (release build), and callgrind, which
#                follows only the process it starts, counts the client's work alone.
# Each count is the smallest of REPEATS runs (default 3): against a separate process, a call now and
# then finds the response not there yet and takes the runtime's wait-and-wake path, which only ever
# adds instructions (one run in about 40 came out about 1,000 instructions per call higher).
# Every run must exit 0 and end with `ok <calls>` (each call checks that it got the guest back). If
# any run fails, the script prints no figure at all and exits 1.
#
# Usage: crates/tallyfy/bench/instructions.sh [N1] [N2]      (default 200 1200)
# REPEATS is the number of runs per count (default 3).
# CARGO is the cargo command, word-split (default `cargo`), e.g. CARGO="flock /tmp/build.lock cargo".
set -euo pipefail
cd "$(dirname "$0")/../../.."
n1=${1:-200}
n2=${2:-1200}
repeats=${REPEATS:-3}
if ! [[ $n1 =~ ^[0-9]+$ && $n2 =~ ^[0-9]+$ && $repeats =~ ^[1-9][0-9]*$ ]] || ((n2 <= n1)); then
  echo "usage: [REPEATS=R] $0 [N1] [N2], whole numbers with N2 > N1 and R >= 1" >&2
  exit 2
fi
command -v valgrind >/dev/null || { echo "instructions.sh: needs valgrind" >&2; exit 2; }

source tools/bench-lib.sh

build_copy instructions 'instructions-[0-9a-f]*' --release -p tallyfy --bench instructions
bench=$BUILT
build_copy tallyfy-fake tallyfy-fake --release -p tallyfy-fake --bin tallyfy-fake
fake=$BUILT

# The fake for the client-only runs, on loopback.
"$fake" --listen 127.0.0.1:0 --org bench-org --token bench-token --seed-guests 10 > "$work/fake.out" 2> "$work/fake.err" &
fake_pid=$!
await_fake "$work/fake.out" "$work/fake.err" 200
external=(env TALLYFY_BENCH_BASE_URL="$addr/api" TALLYFY_BENCH_TOKEN=bench-token TALLYFY_BENCH_ORG=bench-org)
out=$("${external[@]}" "$bench" setup) || fail "adding the guest to tallyfy-fake failed"
[[ $out == "ok setup" ]] || fail "setup printed '$out', not 'ok setup'"

# count MODE CONTENDER CALLS: sets COUNT to the smallest instruction count of $repeats runs.
count() {
  local best=
  for _ in $(seq "$repeats"); do
    count_once "$@"
    if [[ -z $best ]] || ((COUNT < best)); then best=$COUNT; fi
  done
  COUNT=$best
}

# count_once MODE CONTENDER CALLS: sets COUNT to the instructions callgrind collected for one run,
# after checking that the run exited 0 and that every call succeeded.
count_once() {
  local mode=$1 contender=$2 calls=$3 status=0 run=()
  [[ $mode == client_only ]] && run=("${external[@]}")
  "${run[@]}" valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bench" "$contender" "$calls" \
    > "$work/run.out" 2> "$work/run.err" || status=$?
  if ((status != 0)); then
    grep -v '^==' "$work/run.err" >&2 || true
    fail "$mode $contender $calls: exit status $status"
  fi
  [[ $(tail -1 "$work/run.out") == "ok $calls" ]] || fail "$mode $contender $calls: no 'ok $calls' line"
  COUNT=$(sed -n 's/.*Collected : \([0-9]*\)$/\1/p' "$work/run.err")
  [[ $COUNT =~ ^[0-9]+$ ]] || fail "$mode $contender $calls: callgrind reported no instruction count"
}

contenders=(reqwest_serde_json reqwest_serde_json_fixed_url reqwest_serde_json_timeout generated_client sdk sdk_paced sdk_renewable)
declare -A per_call
for mode in in_process client_only; do
  for c in "${contenders[@]}"; do
    count "$mode" "$c" "$n1"; a=$COUNT
    count "$mode" "$c" "$n2"; b=$COUNT
    ((b > a)) || fail "$mode $c: $n2 calls counted no more than $n1 calls"
    per_call[$mode,$c]=$(((b - a) / (n2 - n1)))
  done
done
kill -0 "$fake_pid" 2>/dev/null || fail "tallyfy-fake exited during the runs"

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }
echo "| contender | in-process: instructions per call | / baseline | client only: instructions per call | / baseline |"
echo "|---|---|---|---|---|"
for c in "${contenders[@]}"; do
  i=${per_call[in_process,$c]} o=${per_call[client_only,$c]}
  echo "| $c | $i | $(ratio "$i" "${per_call[in_process,reqwest_serde_json]}") | $o | $(ratio "$o" "${per_call[client_only,reqwest_serde_json]}") |"
done
echo
echo "($((n2 - n1)) extra calls: $n2 minus $n1, each the least of $repeats runs; baseline = reqwest_serde_json)"
