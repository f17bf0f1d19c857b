#!/usr/bin/env bash
# Scale, side by side in one run: `astra user list` (every format) and `astra user get EMAIL` at
# 10k, 50k and 100k users, against curl fetching the same response from the same emulator.
# Prints the median wall time of RUNS, the client time beyond curl, and astra's peak RSS.
#
# Usage: bash bench/scale.sh [RUNS]   (default 5; needs curl and /usr/bin/time)
source "$(dirname "$0")/common.sh"
runs=${1:-5}
export ASTRA_DB_APPLICATION_TOKEN=$token

rss_of() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }

printf '| users | command | astra (median ms) | curl (median ms) | beyond curl (ms) | peak RSS (MB) |\n|---|---|---|---|---|---|\n'
for users in 10000 50000 100000; do
  base="$(start_emulator "u$users" --users "$((users - 3))")/v2"
  export ASTRA_LOCAL_ENDPOINT=$base
  curl_ms=$(for _ in $(seq "$runs"); do ms curl -sf -H "Authorization: Bearer $token" "$base/organizations/users"; done | median)
  last="user$((users - 4))@example.com"
  for command in "user list -o human" "user list -o json" "user list -o csv" "user get $last"; do
    # shellcheck disable=SC2086
    astra_ms=$(for _ in $(seq "$runs"); do ms "$astra" $command; done | median)
    # shellcheck disable=SC2086
    rss_kb=$(rss_of "$astra" $command)
    awk -v u="$users" -v c="${command/$last/EMAIL}" -v a="$astra_ms" -v k="$curl_ms" -v r="$rss_kb" \
      'BEGIN { printf "| %d | %s | %d | %d | %d | %.1f |\n", u, c, a, k, a - k, r / 1024 }'
  done
  stop_emulator "u$users"
done
echo
echo "(median of $runs, release build, loopback, $(nproc) cores, $(date -u +%Y-%m-%d))"
