#!/usr/bin/env bash
# `astra access` at scale against the floor, side by side in one run: 50,000 users holding 1–3
# roles each and 100 application tokens; each command alternates with curl fetching the same
# three responses (users ∥ roles ∥ tokens, `curl --parallel`) from the same emulator, which
# serves them from memory (so the floor is the network, not the server).
#
# Reported per command: medians of RUNS for astra's wall time, curl's, the client time
# (astra − curl: what the access command costs beyond fetching the three lists; SPEC §1.16 asks
# at most 150 ms), astra's CPU time (mean) and its peak RSS (at most 64 MB).
#
# Usage: bash bench/access.sh [RUNS] [USERS]   (default 7 runs, 50000 users; needs curl, jq and
#        /usr/bin/time)
source "$(dirname "$0")/common.sh"
runs=${1:-7}
users=${2:-50000}
export ASTRA_DB_APPLICATION_TOKEN=$token

file=$work/state.json
start_emulator seed --users "$((users - 3))" --state "$file" >/dev/null
stop_emulator seed
# User i holds 1 + i mod 3 roles; 100 tokens, a third without expiry, each with one or two roles.
jq -c '.roles as $r
  | .users |= [to_entries[] | .value.role_ids =
      [range(1 + .key % 3) as $j | $r[(.key + $j * 5) % ($r | length)].id] | .value]
  | .tokens += [range(100) as $i | .tokens[1] + {
      client_id: ("bench" + ($i | tostring | ("0000000000000000000" + .)[-19:])),
      token: ("AstraCS:bench" + ($i | tostring | ("0000000000000000000" + .)[-19:]) + ":" + ("0" * 63) + "1"),
      roles: [$r[$i % ($r | length)].id, $r[($i * 7) % ($r | length)].id] | unique,
      token_expiry: (if $i % 3 == 0 then null else "2030-01-01T00:00:00.000Z" end)}]' \
  "$file" >"$file.tmp"
mv "$file.tmp" "$file"
base="$(start_emulator bench --state "$file")/v2"
export ASTRA_LOCAL_ENDPOINT=$base
# The floor as a script, so that /usr/bin/time can run it.
floor=$work/floor.sh
cat >"$floor" <<FLOOR
exec curl -sf --parallel -H "Authorization: Bearer $token" \\
  -o /dev/null "$base/organizations/users" -o /dev/null "$base/organizations/roles" \\
  -o /dev/null "$base/clientIdSecrets"
FLOOR
bash "$floor" # warm the emulator's caches
"$astra" access report -o csv | awk 'END { printf "(report: %d rows)\n", NR - 1 }' >&2

printf '| users | tokens | command | astra wall (ms) | curl wall (ms) | beyond the three lists (ms) | astra CPU, mean (ms) | peak RSS (MB) |\n'
printf '|---|---|---|---|---|---|---|---|\n'
mean_of() { awk -v c="$1" '{ s += $c } END { printf "%.1f", s / NR }'; }
for command in "access report -o csv" "access report -o json" "access check" \
  "access who-can db-cql -o json" "access show user4242@example.com"; do
  rows=$work/rows
  : >"$rows"
  for _ in $(seq "$runs"); do
    # shellcheck disable=SC2086
    read -r a_wall a_user a_sys a_rss < <(measure "$astra" $command)
    read -r c_wall _ < <(measure bash "$floor")
    echo "$a_wall $c_wall $(awk -v u="$a_user" -v s="$a_sys" 'BEGIN { print (u + s) * 1000 }') $a_rss" >>"$rows"
  done
  awk -v u="$users" -v c="$command" \
    -v a="$(median_of 1 <"$rows")" -v k="$(median_of 2 <"$rows")" \
    -v p="$(mean_of 3 <"$rows")" -v r="$(median_of 4 <"$rows")" \
    'BEGIN { printf "| %d | 102 | %s | %d | %d | %d | %.1f | %.1f |\n", u, c, a, k, a - k, p, r / 1024 }'
done
echo
echo "(median of $runs alternating runs, release build, loopback, $(nproc) cores, $(date -u +%Y-%m-%d))"
