#!/usr/bin/env bash
# Side-by-side benchmarks, reported as ratios measured in one run (not part of the tests).
#
# 1. `astra user invite` by email against the emulator with 100 ms of latency per call: this CLI
#    (users ∥ roles, then PUT: 2 round trips) versus the four sequential calls the original Java
#    CLI makes (users, roles, currentOrg, PUT), replayed with curl so that only the round-trip
#    design differs (the JVM's start-up, which would add more, is not counted).
# 2. `GET /organizations/users` with 50,000 users: the emulator's own speed.
#
# Usage: bash bench/run.sh [RUNS]   (default 10; needs curl)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-10}
cargo build --release -q -p astra-cli -p astra-emulator
emulator=target/release/astra-emulator
astra=target/release/astra
work=$(mktemp -d)
# Every emulator writes its pid; all are stopped at exit (a `$(start …)` subshell's jobs are not
# this shell's, so `jobs -p` would miss them and `bench/run.sh | tail` would hang).
trap 'for f in "$work"/*.pid; do kill "$(cat "$f")" 2>/dev/null || true; done; rm -rf "$work"' EXIT

start() { # start NAME ARGS...: serve in the background, print the base URL when ready
  local name=$1; shift
  "$emulator" "$@" serve --port-file "$work/$name.port" >/dev/null 2>&1 </dev/null &
  echo $! >"$work/$name.pid"
  until [ -s "$work/$name.port" ]; do sleep 0.05; done
  echo "http://127.0.0.1:$(cat "$work/$name.port")"
}
now_ms() { date +%s%3N; }

base=$(start latency --latency 100)
token=AstraCS:emulatoremulatoremulator:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
export ASTRA_DB_APPLICATION_TOKEN=$token ASTRA_ENV=local ASTRA_LOCAL_ENDPOINT=$base/v2
role_id=$(curl -s -H "Authorization: Bearer $token" "$base/v2/organizations/roles" | grep -o '"id":"[^"]*"' | sed -n 6p | cut -d'"' -f4)
org_id=$(curl -s -H "Authorization: Bearer $token" "$base/v2/currentOrg" | grep -o '"id":"[^"]*"' | cut -d'"' -f4)

t0=$(now_ms)
for i in $(seq "$runs"); do "$astra" user invite "astra$i@example.com" -r 'RO User' -q >/dev/null; done
t1=$(now_ms)
for i in $(seq "$runs"); do
  for path in organizations/users organizations/roles currentOrg; do
    curl -sf -o /dev/null -H "Authorization: Bearer $token" "$base/v2/$path"
  done
  curl -sf -o /dev/null -X PUT -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    -d "{\"email\":\"seq$i@example.com\",\"orgID\":\"$org_id\",\"roles\":[\"$role_id\"]}" "$base/v2/organizations/users"
done
t2=$(now_ms)
ours=$(( (t1 - t0) / runs )); sequential=$(( (t2 - t1) / runs ))
echo "invite by email, 100 ms latency, mean of $runs:"
echo "  astra (2 round trips):              ${ours} ms"
echo "  original's 4 sequential calls:      ${sequential} ms"
awk -v a="$ours" -v b="$sequential" 'BEGIN { printf "  ratio: astra takes %.2f of the sequential time (%.1fx faster)\n", a / b, b / a }'

big=$(start big --users 50000)
curl -s -o /dev/null -H "Authorization: Bearer $token" "$big/v2/organizations/users"
t0=$(now_ms)
for _ in $(seq "$runs"); do curl -s -o /dev/null -H "Authorization: Bearer $token" "$big/v2/organizations/users"; done
t1=$(now_ms)
t2=$(now_ms)
for _ in $(seq "$runs"); do curl -s -o /dev/null -H "Authorization: Bearer $token" "$big/v2/organizations/roles"; done
t3=$(now_ms)
echo "emulator GET /organizations/users with 50,000 users, mean of $runs: $(( (t1 - t0) / runs )) ms (GET roles: $(( (t3 - t2) / runs )) ms)"
t0=$(now_ms)
ASTRA_LOCAL_ENDPOINT=$big/v2 "$astra" user list -o json >/dev/null
t1=$(now_ms)
echo "astra user list -o json with 50,000 users, end to end: $(( t1 - t0 )) ms"
