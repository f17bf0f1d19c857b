#!/usr/bin/env bash
# Scale, side by side in one run: `astra user list` (every format) and `astra user get EMAIL` at
# 10k, 50k and 100k users, against curl fetching the same response from the same emulator.
# Prints the median wall time of RUNS, the client time beyond curl, and astra's peak RSS.
#
# Usage: bash bench/scale.sh [RUNS]   (default 5; needs curl and /usr/bin/time)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
cargo build --release -q -p astra-cli -p astra-emulator
emulator=$PWD/target/release/astra-emulator
astra=$PWD/target/release/astra
work=$(mktemp -d)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
token=AstraCS:emulatoremulatoremulator:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
export ASTRA_DB_APPLICATION_TOKEN=$token

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
ms_of() { # ms_of CMD...: wall time in ms of one run, output discarded
  local t0 t1
  t0=$(date +%s%N); "$@" >/dev/null 2>&1; t1=$(date +%s%N)
  echo $(( (t1 - t0) / 1000000 ))
}
rss_of() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }

printf '| users | command | astra (median ms) | curl (median ms) | beyond curl (ms) | peak RSS (MB) |\n|---|---|---|---|---|---|\n'
for users in 10000 50000 100000; do
  rm -f "$work/port"
  "$emulator" --users "$((users - 3))" serve --port-file "$work/port" >/dev/null 2>&1 &
  pids+=("$!")
  until [ -s "$work/port" ]; do sleep 0.05; done
  base="http://127.0.0.1:$(cat "$work/port")/v2"
  export ASTRA_LOCAL_ENDPOINT=$base
  curl_ms=$(for _ in $(seq "$runs"); do ms_of curl -sf -H "Authorization: Bearer $token" "$base/organizations/users"; done | median)
  last="user$((users - 4))@example.com"
  for command in "user list -o human" "user list -o json" "user list -o csv" "user get $last"; do
    # shellcheck disable=SC2086
    astra_ms=$(for _ in $(seq "$runs"); do ms_of "$astra" $command; done | median)
    # shellcheck disable=SC2086
    rss_kb=$(rss_of "$astra" $command)
    awk -v u="$users" -v c="${command/$last/EMAIL}" -v a="$astra_ms" -v k="$curl_ms" -v r="$rss_kb" \
      'BEGIN { printf "| %d | %s | %d | %d | %d | %.1f |\n", u, c, a, k, a - k, r / 1024 }'
  done
  kill "${pids[-1]}" 2>/dev/null || true
done
echo
echo "(median of $runs, release build, loopback, $(nproc) cores, $(date -u +%Y-%m-%d))"
