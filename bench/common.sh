# Shared by the bench scripts (sourced): release binaries, a work directory, emulators that are
# all stopped at exit, and the helpers every table needs.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
cargo build --release -q -p astra-cli -p astra-emulator
emulator=$PWD/target/release/astra-emulator
astra=$PWD/target/release/astra
work=$(mktemp -d)
# Each emulator writes its pid to a file: a `$(start_emulator …)` subshell's jobs are not this
# shell's, so `jobs -p` would miss them (and `bench/x.sh | tail` would hang).
trap 'for f in "$work"/*.pid; do [ -e "$f" ] && kill "$(cat "$f")" 2>/dev/null; done; rm -rf "$work"' EXIT
token=AstraCS:emulatoremulatoremulator:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef

# start_emulator NAME ARGS...: serve in the background, print the base URL when it listens.
start_emulator() {
  local name=$1; shift
  rm -f "$work/$name.port"
  "$emulator" "$@" serve --port-file "$work/$name.port" >/dev/null 2>&1 </dev/null &
  echo $! >"$work/$name.pid"
  until [ -s "$work/$name.port" ]; do sleep 0.05; done
  echo "http://127.0.0.1:$(cat "$work/$name.port")"
}

# stop_emulator NAME
stop_emulator() {
  kill "$(cat "$work/$1.pid")" 2>/dev/null || true
  rm -f "$work/$1.pid"
}

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
# median_of N: the median of column N of the lines on stdin.
median_of() { awk -v c="$1" '{ print $c }' | median; }

# measure CMD...: one line "wall_ms user_s system_s rss_kb" for one run, output discarded.
measure() {
  local t0 t1 cpu
  t0=$(date +%s%N)
  cpu=$(/usr/bin/time -f '%U %S %M' "$@" 2>&1 >/dev/null | tail -1)
  t1=$(date +%s%N)
  echo "$(((t1 - t0) / 1000000)) $cpu"
}

# ms CMD...: wall time in milliseconds of one run, output discarded, failure ignored.
ms() {
  local t0 t1
  t0=$(date +%s%N); "$@" >/dev/null 2>&1 || true; t1=$(date +%s%N)
  echo $(( (t1 - t0) / 1000000 ))
}
