# Shared setup for the bench scripts (crates/*/bench/*.sh), sourced after `cd` to the workspace root:
#   work        a temporary folder, removed on exit;
#   fake_pid    the running tallyfy-fake, if any; stop_fake ends it (also on exit);
#   fail MSG    says MSG and that no figures were printed, then exits 1;
#   build_copy DEST NAME CARGO-BUILD-ARGS...
#               builds with cargo (CARGO, word-split, default `cargo`) and copies the executable NAME
#               (a sed regex) that cargo reports to $work/DEST, setting BUILT: a build by someone else
#               while the script runs cannot swap a binary between two runs that are compared;
#   await_fake OUT ERR TRIES
#               waits (TRIES × 50 ms) for the fake started as $fake_pid to print its `listening on`
#               line to OUT, and sets addr to its loopback URL.

bench_name=$(basename "$0")
work=$(mktemp -d)
fake_pid=
stop_fake() {
  if [[ -n $fake_pid ]]; then kill "$fake_pid" 2>/dev/null || true; wait "$fake_pid" 2>/dev/null || true; fi
  fake_pid=
}
trap 'stop_fake; rm -rf "$work"' EXIT
fail() { echo "$bench_name: $*; no figures printed" >&2; exit 1; }

build_copy() {
  local dest=$1 name=$2 exe
  shift 2
  ${CARGO:-cargo} build -q --message-format=json "$@" > "$work/build.json" || fail "cargo build $* failed"
  exe=$(sed -n "s/.*\"executable\":\"\\([^\"]*\\/$name\\)\".*/\\1/p" "$work/build.json" | tail -1)
  [[ -x $exe ]] || fail "cargo build $* reported no $name executable"
  BUILT=$work/$dest
  cp "$exe" "$BUILT"
}

await_fake() {
  local out=$1 err=$2 tries=$3
  for _ in $(seq "$tries"); do
    grep -q '^listening on ' "$out" && break
    kill -0 "$fake_pid" 2>/dev/null || fail "tallyfy-fake exited: $(cat "$err")"
    sleep 0.05
  done
  addr=$(sed -n 's/^listening on \(http:\/\/127\.0\.0\.1:[0-9]*\)$/\1/p' "$out")
  [[ -n $addr ]] || fail "tallyfy-fake did not print its loopback address"
}
