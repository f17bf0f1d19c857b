#!/usr/bin/env bash
# Batches against a rate-limited API, side by side in one run: `astra user apply` of N new users
# against the emulator's `--rate-limit R/s` (burst R, honest Retry-After) with a fixed injected
# latency, at --concurrency 8, 32 and 64, each against a fresh emulator. Prints the failed items,
# the 429s the API sent, and the wall time against the floor max(N / R, ⌈N / cap⌉ × latency)
# (a benchmark, not a test: nothing here asserts a time). SPEC §13.3's goal: 0 failed and
# ≤ 1.25 × floor + 2 s in every cell.
#
# Usage: bash bench/ratelimit.sh [USERS] [LATENCY_MS] [RATES...]   (default 300 users, 50 ms, 5 10)
source "$(dirname "$0")/common.sh"
users=${1:-300}
latency=${2:-50}
shift $(( $# < 2 ? $# : 2 ))
rates=${*:-5 10}
{
  echo "email,roles"
  echo "alice@example.com,Organization Administrator"
  for i in $(seq 1 "$users"); do printf 'rate%05d@example.com,RO User\n' "$i"; done
} >"$work/team.csv"

printf '| writes/s | concurrency | failed | 429s | wall time | floor | wall / floor | goal (1.25 × floor + 2 s) |\n'
printf '|---|---|---|---|---|---|---|---|\n'
for rate in $rates; do
  for concurrency in 8 32 64; do
    name="r${rate}c${concurrency}"
    base=$(start_emulator "$name" --rate-limit "$rate/s,$rate" --latency "$latency")
    t0=$(date +%s%N)
    ASTRA_DB_APPLICATION_TOKEN=$token ASTRA_LOCAL_ENDPOINT=$base/v2 \
      "$astra" user apply "$work/team.csv" --concurrency "$concurrency" -o json >"$work/$name.json" 2>/dev/null || true
    t1=$(date +%s%N)
    failed=$(grep -c '"status": "failed"' "$work/$name.json" || true)
    refused=$(curl -s "$base/_emulator/requests" | grep -o '"rate_limited":true' | wc -l)
    stop_emulator "$name"
    awk -v r="$rate" -v c="$concurrency" -v f="$failed" -v q="$refused" -v ms=$(( (t1 - t0) / 1000000 )) \
        -v n="$users" -v lat="$latency" 'BEGIN {
      rounds = int((n + c - 1) / c); floor = n / r; byLatency = rounds * lat / 1000;
      if (byLatency > floor) floor = byLatency;
      goal = 1.25 * floor + 2;
      printf "| %d | %d | %d | %d | %.2f s | %.2f s | %.2f | %s |\n", r, c, f, q, ms / 1000, floor, ms / 1000 / floor, (f == 0 && ms / 1000 <= goal) ? "met" : "MISSED"
    }'
  done
done
echo
echo "($users new users, ${latency} ms injected latency per call, burst = rate, $(nproc) cores, $(date -u +%Y-%m-%d))"
