#!/usr/bin/env bash
# Bulk apply, side by side in one run: `astra user apply` of N new users against the emulator
# with a fixed injected latency, at concurrency 1, 8 and 32, each against a fresh emulator.
# Prints wall times and speed-ups (a benchmark, not a test: nothing here asserts a time).
#
# Usage: bash bench/apply.sh [USERS] [LATENCY_MS]   (default 1000 users, 100 ms)
source "$(dirname "$0")/common.sh"
users=${1:-1000}
latency=${2:-100}
{
  for i in $(seq 1 "$users"); do
    printf '[[user]]\nemail = "bench%05d@example.com"\nroles = ["RO User"]\n\n' "$i"
  done
} >"$work/team.toml"

printf '| concurrency | wall time | speed-up vs 1 |\n|---|---|---|\n'
base_ms=""
for concurrency in 1 8 32; do
  endpoint="$(start_emulator "c$concurrency" --latency "$latency")/v2"
  ms=$(ASTRA_DB_APPLICATION_TOKEN=$token ASTRA_LOCAL_ENDPOINT=$endpoint \
    ms "$astra" user apply "$work/team.toml" --concurrency "$concurrency" -q)
  stop_emulator "c$concurrency"
  [ -n "$base_ms" ] || base_ms=$ms
  awk -v c="$concurrency" -v ms="$ms" -v b="$base_ms" \
    'BEGIN { printf "| %d | %.2f s | %.1fx |\n", c, ms / 1000, b / ms }'
done
echo
echo "($users new users, ${latency} ms injected latency per call, $(nproc) cores, $(date -u +%Y-%m-%d))"
