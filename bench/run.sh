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
source "$(dirname "$0")/common.sh"
runs=${1:-10}
now_ms() { date +%s%3N; }

base=$(start_emulator latency --latency 100)
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

big=$(start_emulator big --users 50000)
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
