#!/usr/bin/env bash
# Planning at scale, side by side in one run (SPEC §1.8: planning is a join): `astra user export`
# of an organization of USERS users holding 1–3 roles each, then `astra user apply FILE --dry-run
# -q` of what it wrote (0 changes) and of the same file with one row changed, in each format. Each
# run alternates with the floor: curl fetching the two lists the command reads (users, roles).
#
# Reported: medians of RUNS for astra's wall time, the floor's, the client time (astra − floor)
# and astra's peak RSS. BEFORE=path/to/an/older/astra adds its client time and RSS, measured in
# the same alternation. (A benchmark, not a test: nothing here asserts a time.)
#
# Usage: bash bench/plan.sh [RUNS] [USERS]   (default 5 runs, 50000 users; needs curl, jq,
#        /usr/bin/time)
source "$(dirname "$0")/common.sh"
runs=${1:-5}
users=${2:-50000}
export ASTRA_DB_APPLICATION_TOKEN=$token

file=$work/state.json
start_emulator seed --users "$((users - 3))" --state "$file" >/dev/null
stop_emulator seed
jq -c '.roles as $r | .users |= [to_entries[] | .value.role_ids =
      [range(1 + .key % 3) as $j | $r[(.key + $j * 5) % ($r | length)].id] | .value]' \
  "$file" >"$file.tmp"
mv "$file.tmp" "$file"
base="$(start_emulator org --state "$file")/v2"
export ASTRA_LOCAL_ENDPOINT=$base

floor() {
  curl -sf -o /dev/null -H "Authorization: Bearer $token" "$base/organizations/users" &
  curl -sf -o /dev/null -H "Authorization: Bearer $token" "$base/organizations/roles"
  wait
}
floor # warm the emulator's cache

floor_ms() { local t0; t0=$(date +%s%N); floor; echo $((($(date +%s%N) - t0) / 1000000)); }

for format in toml csv json; do
  "$astra" user export --format "$format" >"$work/team.$format"
done
# One change: the first user's email is changed (one invite; without --prune the old one stays).
first=$(grep -m1 -o 'user[0-9]*@example.com' "$work/team.toml")
sed "0,/$first/s//changed-$first/" "$work/team.toml" >"$work/one.toml"
sed "0,/$first/s//changed-$first/" "$work/team.csv" >"$work/one.csv"
sed "0,/$first/s//changed-$first/" "$work/team.json" >"$work/one.json"

before=${BEFORE:-}
printf '| command | astra wall (ms) | floor (ms) | client (ms) | peak RSS (MB) |%s\n' \
  "${before:+ before: client (ms) | before: peak RSS (MB) |}"
printf '|---|---|---|---|---|%s\n' "${before:+---|---|}"
for command in "user export --format toml" "user export --format csv" "user export --format json" \
  "user apply $work/team.toml --dry-run -q" "user apply $work/team.csv --dry-run -q" \
  "user apply $work/team.json --dry-run -q" "user apply $work/one.toml --dry-run -q" \
  "user apply $work/one.csv --dry-run -q" "user apply $work/one.json --dry-run -q"; do
  rows=$work/rows
  : >"$rows"
  for _ in $(seq "$runs"); do
    # shellcheck disable=SC2086
    read -r a_wall _ _ a_rss < <(measure "$astra" $command)
    c_wall=$(floor_ms)
    b_wall=0 b_rss=0
    # shellcheck disable=SC2086
    [ -z "$before" ] || read -r b_wall _ _ b_rss < <(measure "$before" $command)
    echo "$a_wall $c_wall $a_rss $b_wall $b_rss" >>"$rows"
  done
  label=${command//$work\//}
  line=$(awk -v c="$label" -v a="$(median_of 1 <"$rows")" -v k="$(median_of 2 <"$rows")" \
    -v r="$(median_of 3 <"$rows")" \
    'BEGIN { printf "| %s | %d | %d | %d | %.1f |", c, a, k, a - k, r / 1024 }')
  if [ -n "$before" ]; then
    line+=$(awk -v b="$(median_of 4 <"$rows")" -v k="$(median_of 2 <"$rows")" \
      -v r="$(median_of 5 <"$rows")" 'BEGIN { printf " %d | %.1f |", b - k, r / 1024 }')
  fi
  echo "$line"
done
echo
echo "($users users with 1–3 roles each, medians of $runs, $(nproc) cores, $(date -u +%Y-%m-%d))"
