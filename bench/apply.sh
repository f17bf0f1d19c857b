#!/usr/bin/env bash
# Bulk apply, side by side in one run: `astra user apply` of N new users against the emulator
# with a fixed injected latency, at concurrency 1, 8 and 32, each against a fresh emulator.
# Prints wall times and speed-ups (a benchmark, not a test: nothing here asserts a time).
#
# Usage: bash bench/apply.sh [USERS] [LATENCY_MS]   (default 1000 users, 100 ms)
set -euo pipefail
cd "$(dirname "$0")/.."
users=${1:-1000}
latency=${2:-100}
cargo build --release -q -p astra-cli -p astra-emulator
emulator=$PWD/target/release/astra-emulator
astra=$PWD/target/release/astra
work=$(mktemp -d)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

token=AstraCS:emulatoremulatoremulator:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
{
  for i in $(seq 1 "$users"); do
    printf '[[user]]\nemail = "bench%05d@example.com"\nroles = ["RO User"]\n\n' "$i"
  done
} >"$work/team.toml"

now_ms() { date +%s%3N; }
printf '| concurrency | wall time | speed-up vs 1 |\n|---|---|---|\n'
base_ms=""
for concurrency in 1 8 32; do
  rm -f "$work/port"
  "$emulator" --latency "$latency" serve --port-file "$work/port" >/dev/null 2>&1 &
  pid=$!
  pids+=("$pid")
  until [ -s "$work/port" ]; do sleep 0.05; done
  endpoint="http://127.0.0.1:$(cat "$work/port")/v2"
  t0=$(now_ms)
  ASTRA_DB_APPLICATION_TOKEN=$token ASTRA_LOCAL_ENDPOINT=$endpoint \
    "$astra" user apply "$work/team.toml" --concurrency "$concurrency" -q >/dev/null
  t1=$(now_ms)
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  ms=$((t1 - t0))
  [ -n "$base_ms" ] || base_ms=$ms
  awk -v c="$concurrency" -v ms="$ms" -v b="$base_ms" \
    'BEGIN { printf "| %d | %.2f s | %.1fx |\n", c, ms / 1000, b / ms }'
done
echo
echo "($users new users, ${latency} ms injected latency per call, $(nproc) cores, $(date -u +%Y-%m-%d))"
