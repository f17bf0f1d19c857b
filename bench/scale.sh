#!/usr/bin/env bash
# Scale against the floor, side by side in one run: `astra user list` (every format) and
# `astra user get EMAIL` at 10k, 50k and 100k users holding 1–3 roles each (as real organizations
# do), each run alternating with curl fetching the same response from the same emulator, which
# serves its user list from memory (so the floor is the network, not the server).
#
# Reported per command: medians of RUNS for astra's wall time, curl's wall time in the same run,
# the client time (astra − curl), astra's CPU time (user + system, the mean), and its peak RSS.
#
# Usage: bash bench/scale.sh [RUNS] [USERS...]   (default 7 runs; 10000 50000 100000 users;
#        needs curl, jq and /usr/bin/time)
#        BEFORE=path/to/an/older/astra adds its client time and peak RSS, measured in the same
#        alternation, for a before/after table.
source "$(dirname "$0")/common.sh"
runs=${1:-7}
shift || true
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(10000 50000 100000)
export ASTRA_DB_APPLICATION_TOKEN=$token

# state USERS: an emulator state file of USERS users, user i holding 1 + i mod 3 roles.
state() {
  local file=$work/state-$1.json
  local base
  base=$(start_emulator seed --users "$(($1 - 3))" --state "$file")
  stop_emulator seed
  : "$base"
  jq -c '.roles as $r | .users |= [to_entries[] | .value.role_ids =
        [range(1 + .key % 3) as $j | $r[(.key + $j * 5) % ($r | length)].id] | .value]' \
    "$file" >"$file.tmp"
  mv "$file.tmp" "$file"
  echo "$file"
}

# CPU time is counted in 10 ms ticks: its mean over the runs is finer than any one run.
mean_of() { awk -v c="$1" '{ s += $c } END { printf "%.1f", s / NR }'; }

before=${BEFORE:-}
if [ -n "$before" ]; then
  printf '| users | command | astra wall (ms) | curl wall (ms) | client (ms) | astra CPU, mean (ms) | peak RSS (MB) | before: client (ms) | before: peak RSS (MB) |\n'
  printf '|---|---|---|---|---|---|---|---|---|\n'
else
  printf '| users | command | astra wall (ms) | curl wall (ms) | client (ms) | astra CPU, mean (ms) | peak RSS (MB) |\n'
  printf '|---|---|---|---|---|---|---|\n'
fi
for users in "${sizes[@]}"; do
  file=$(state "$users")
  base="$(start_emulator "u$users" --state "$file")/v2"
  export ASTRA_LOCAL_ENDPOINT=$base
  url="$base/organizations/users"
  curl -sf -o /dev/null -H "Authorization: Bearer $token" "$url" # warm the emulator's cache
  last="user$((users - 4))@example.com"
  for command in "user list -o json" "user list -o csv" "user list -o human" "user get $last"; do
    rows=$work/rows
    : >"$rows"
    for _ in $(seq "$runs"); do
      # shellcheck disable=SC2086
      read -r a_wall a_user a_sys a_rss < <(measure "$astra" $command)
      read -r c_wall _ < <(measure curl -sf -o /dev/null -H "Authorization: Bearer $token" "$url")
      b_wall=0 b_rss=0
      # shellcheck disable=SC2086
      [ -z "$before" ] || read -r b_wall _ _ b_rss < <(measure "$before" $command)
      echo "$a_wall $c_wall $(awk -v u="$a_user" -v s="$a_sys" 'BEGIN { print (u + s) * 1000 }') $a_rss $b_wall $b_rss" >>"$rows"
    done
    line=$(awk -v u="$users" -v c="${command/$last/EMAIL}" \
      -v a="$(median_of 1 <"$rows")" -v k="$(median_of 2 <"$rows")" \
      -v p="$(mean_of 3 <"$rows")" -v r="$(median_of 4 <"$rows")" \
      'BEGIN { printf "| %d | %s | %d | %d | %d | %.1f | %.1f |", u, c, a, k, a - k, p, r / 1024 }')
    if [ -n "$before" ]; then
      line+=$(awk -v b="$(median_of 5 <"$rows")" -v k="$(median_of 2 <"$rows")" -v r="$(median_of 6 <"$rows")" \
        'BEGIN { printf " %d | %.1f |", b - k, r / 1024 }')
    fi
    echo "$line"
  done
  stop_emulator "u$users"
done
echo
echo "(median of $runs alternating runs, release build, loopback, $(nproc) cores, $(date -u +%Y-%m-%d))"
