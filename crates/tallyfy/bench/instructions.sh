#!/usr/bin/env bash
# Instructions per get_guest call (client and in-process fake together), per contender, counted by
# callgrind: (instructions for N2 calls - instructions for N1 calls) / (N2 - N1). Repeatable whatever
# else the machine is doing. Usage: crates/tallyfy/bench/instructions.sh [N1] [N2]
set -euo pipefail
cd "$(dirname "$0")/../../.."
n1=${1:-200}; n2=${2:-1200}
cargo build --release -q -p tallyfy --bench instructions
bin=$(ls -t target/release/deps/instructions-* | grep -v '\.d$' | head -1)
count() { valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bin" "$1" "$2" 2>&1 | sed -n 's/.*Collected : \([0-9]*\).*/\1/p'; }
echo "| contender | instructions per call |"
echo "|---|---|"
for c in reqwest_serde_json reqwest_serde_json_fixed_url reqwest_serde_json_timeout generated_client sdk; do
  a=$(count "$c" "$n1"); b=$(count "$c" "$n2")
  echo "| $c | $(( (b - a) / (n2 - n1) )) |"
done
