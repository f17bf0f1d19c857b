#!/usr/bin/env bash
# Every command against the cheapest curl sequence making the same calls, side by side in one
# run, with a fixed latency injected by the emulator: median wall time of RUNS, the ratio, and the
# requests the emulator saw for one astra run (its round trips are in SPEC §7.3).
#
# Usage: bash bench/commands.sh [RUNS] [LATENCY_MS]   (default 7 runs, 50 ms)
source "$(dirname "$0")/common.sh"
runs=${1:-7}
latency=${2:-50}
base=$(start_emulator commands --latency "$latency")
api="$base/v2/organizations"
export ASTRA_DB_APPLICATION_TOKEN=$token ASTRA_LOCAL_ENDPOINT=$base/v2
auth=(-H "Authorization: Bearer $token")
org=$(curl -s "${auth[@]}" "$api/users" | sed 's/.*"OrgID":"\([^"]*\)".*/\1/')
ro=$(curl -s "${auth[@]}" "$api/roles" | grep -o '"id":"[^"]*","name":"RO User"' | cut -d'"' -f4)
bob=00000000-0000-4000-8000-000000000002

get() { curl -sf -o /dev/null "${auth[@]}" "$api/$1"; }
parallel() { for path in "$@"; do get "$path" & done; wait; }
put() { curl -sf -o /dev/null -X PUT "${auth[@]}" -H 'Content-Type: application/json' -d "$2" "$api/$1"; }
calls() { curl -s "$base/_emulator/requests" | grep -o '"method"' | wc -l; }
reset() { curl -s -X DELETE "$base/_emulator/requests" >/dev/null; }

# name | astra command | curl sequence (a function)
curl_list() { get users; }
curl_get_email() { get users; }
curl_get_id() { get "users/$bob"; }
curl_invite() { parallel users roles; put users "{\"email\":\"c$RANDOM@example.com\",\"orgID\":\"$org\",\"roles\":[\"$ro\"]}"; }
curl_roles_add() { parallel users roles; put "users/$bob/roles" "{\"roles\":[\"$ro\"]}"; }
curl_export() { parallel users roles; }
curl_role_list() { get roles; }

# Commands that change something change it every run, so that each run makes every call.
n=0
astra_invite() { n=$((n + 1)); "$astra" user invite "a$n-$RANDOM@example.com" -r 'RO User'; }
flip=0
astra_roles() { flip=$((1 - flip)); if [ $flip = 1 ]; then "$astra" user roles bob@example.com --add 'RO User'; else "$astra" user roles bob@example.com --remove 'RO User'; fi; }

printf '| command | astra (ms) | curl (ms) | ratio | requests seen |\n|---|---|---|---|---|\n'
row() {
  local name=$1 fn=$2; shift 2
  reset; "$@" >/dev/null 2>&1 || true; local seen; seen=$(calls)
  local a c
  a=$(for _ in $(seq "$runs"); do ms "$@"; done | median)
  c=$(for _ in $(seq "$runs"); do ms "$fn"; done | median)
  awk -v n="$name" -v a="$a" -v c="$c" -v s="$seen" 'BEGIN { printf "| %s | %d | %d | %.2f | %d |\n", n, a, c, a / c, s }'
}
row "user list" curl_list "$astra" user list
row "user get EMAIL" curl_get_email "$astra" user get bob@example.com
row "user get ID" curl_get_id "$astra" user get "$bob"
row "user invite EMAIL" curl_invite astra_invite
row "user roles EMAIL --add/--remove" curl_roles_add astra_roles
row "user export" curl_export "$astra" user export
row "role list" curl_role_list "$astra" role list
echo
echo "($latency ms injected latency per call, median of $runs, $(nproc) cores, $(date -u +%Y-%m-%d))"
