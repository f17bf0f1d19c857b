#!/usr/bin/env bash
# Mutation testing of the logic modules with cargo-mutants (installed here when missing), then a
# table per file: caught / missed / timeout / unviable, and the caught share of viable mutants.
#
# Usage: bash scripts/mutants.sh [--in-diff FILE.diff] [more cargo-mutants options]
#
# Two passes, so that the whole list fits in about 30 minutes on a 2-core machine:
#   1. every mutant against the unit tests (`cargo test --lib`, ~2 s a mutant, two at a time);
#   2. the survivors of pass 1 against the whole suite (`--iterate`: the integration tests run the
#      real binary against the emulator over loopback and in tmux), one at a time so that
#      timing-sensitive tests (signals, retries) are not starved into a false "caught".
# A mutant counts as caught when either pass catches it: that is what the suite as a whole does.
# Results: mutants.out/ (pass 2, cargo-mutants' layout) and mutants.out/unit/ (pass 1).
# CI runs this weekly and on pull requests that touch these files (`--in-diff`), not in .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v cargo-mutants >/dev/null 2>&1 || cargo install --locked cargo-mutants

files=(
  src/config/token.rs
  src/config/astrarc.rs
  src/config/writer.rs
  src/config/store.rs
  src/paths.rs
  src/config/mod.rs
  src/secret.rs
  src/text.rs
  src/refs.rs
  src/lookup.rs
  src/lookup/email_scan.rs
  src/policy.rs
  src/completion.rs
  src/hints.rs
  src/jq.rs
  src/access/mod.rs
  src/access/rules.rs
  src/output/columns.rs
  src/api/retry.rs
  src/api/throttle.rs
  src/error.rs
  src/output/mod.rs
  src/output/human.rs
  src/output/csv.rs
  src/output/json.rs
  src/output/views.rs
  src/commands/user/list.rs
  src/commands/user/get.rs
  src/commands/role/get.rs
  src/commands/token/list.rs
  src/commands/config/list.rs
  src/teamfile.rs
  src/commands/batch.rs
  src/commands/user/mod.rs
  src/commands/user/apply.rs
  src/commands/user/roles.rs
  src/commands/user/team_roles.rs
  src/commands/role/update.rs
)
args=(--no-shuffle)
for file in "${files[@]}"; do args+=(--file "$file"); done

# cargo-mutants exits 0 (all caught), 2 (some missed) or 3 (some timed out) after a real run;
# anything else (4: the unmutated tree fails its tests) means there is nothing to report.
run_mutants() {
  local status=0
  cargo mutants "$@" || status=$?
  case $status in
    0 | 2 | 3) ;;
    *) echo "cargo-mutants failed (exit $status)"; exit "$status" ;;
  esac
}

rm -rf mutants.out mutants.out.old
start=$SECONDS
echo "== pass 1: unit tests"
run_mutants "${args[@]}" -j 2 --cargo-arg=--lib "$@"
if [ ! -f mutants.out/outcomes.json ]; then
  echo "no mutants to test (the change touches no mutable code in these files)"
  exit 0
fi
unit_minutes=$(( (SECONDS - start) / 60 ))
echo "== pass 2: the survivors against the whole suite"
run_mutants "${args[@]}" -j 1 --iterate "$@"
if [ -d mutants.out.old ]; then
  mkdir -p mutants.out
  mv mutants.out.old mutants.out/unit
else  # pass 1 caught everything: pass 2 had nothing to test and left pass 1's results in place
  mv mutants.out mutants.out.unit
  mkdir mutants.out
  mv mutants.out.unit mutants.out/unit
fi
echo "pass 1: ${unit_minutes} min; both passes: $(( (SECONDS - start) / 60 )) min"

python3 - mutants.out/unit/outcomes.json mutants.out/outcomes.json <<'PY'
import json, os, sys, collections
names = {"CaughtMutant": "caught", "MissedMutant": "missed", "Timeout": "timeout", "Unviable": "unviable"}
final = {}
for path in sys.argv[1:]:  # pass 2 overrides pass 1 for the mutants it tested again
    if not os.path.exists(path):  # pass 2 had no survivors to test
        continue
    for outcome in json.load(open(path)).get("outcomes", []):
        scenario = outcome.get("scenario")
        if isinstance(scenario, dict) and "Mutant" in scenario:
            m = scenario["Mutant"]
            final[m["name"]] = (m["file"], names.get(outcome.get("summary", ""), outcome.get("summary", "").lower()))
table = collections.defaultdict(collections.Counter)
for file, kind in final.values():
    table[file][kind] += 1
print(f"{'file':34} {'caught':>7} {'missed':>7} {'timeout':>8} {'unviable':>9} {'score':>7}")
total = collections.Counter()
for file in sorted(table):
    c = table[file]
    total.update(c)
    viable = c["caught"] + c["missed"] + c["timeout"]
    score = 100.0 * (c["caught"] + c["timeout"]) / viable if viable else 100.0
    print(f"{file:34} {c['caught']:7} {c['missed']:7} {c['timeout']:8} {c['unviable']:9} {score:6.1f}%")
viable = total["caught"] + total["missed"] + total["timeout"]
if viable:
    print(f"{'all':34} {total['caught']:7} {total['missed']:7} {total['timeout']:8} {total['unviable']:9} {100.0 * (total['caught'] + total['timeout']) / viable:6.1f}%")
missed = sorted(name for name, (_, kind) in final.items() if kind == "missed")
print("missed (both passes):" if missed else "missed: none")
for name in missed:
    print(f"  {name}")
below = [file for file, c in table.items()
         if (c["caught"] + c["missed"] + c["timeout"]) and c["missed"] > 0.05 * (c["caught"] + c["missed"] + c["timeout"])]
if below:
    print("below 95 %: " + ", ".join(sorted(below)))
    sys.exit(1)
PY
