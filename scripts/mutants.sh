#!/usr/bin/env bash
# Mutation testing of the logic modules with cargo-mutants (installed here when missing), then a
# table per file: caught / missed / timeout / unviable, and the caught share of viable mutants.
#
# Usage: bash scripts/mutants.sh [--in-diff FILE.diff] [extra cargo-mutants args]
# About 30 minutes on a 2-core machine for the whole list; CI runs it weekly and on pull requests
# that touch these files (`--in-diff`), not in .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v cargo-mutants >/dev/null 2>&1 || cargo install --locked cargo-mutants

files=(
  src/config/token.rs
  src/config/astrarc.rs
  src/config/writer.rs
  src/config/mod.rs
  src/secret.rs
  src/text.rs
  src/refs.rs
  src/lookup.rs
  src/hints.rs
  src/api/retry.rs
  src/error.rs
  src/output/human.rs
  src/output/csv.rs
  src/output/json.rs
  src/teamfile.rs
  src/commands/user/apply.rs
  src/commands/user/roles.rs
)
args=()
for file in "${files[@]}"; do args+=(--file "$file"); done

cargo mutants --no-shuffle -j 1 "${args[@]}" "$@" || true

outcomes=mutants.out/outcomes.json
[ -f "$outcomes" ] || { echo "no $outcomes: cargo-mutants did not run"; exit 1; }
python3 - "$outcomes" <<'PY'
import json, sys, collections
data = json.load(open(sys.argv[1]))
table = collections.defaultdict(collections.Counter)
for outcome in data.get("outcomes", []):
    scenario = outcome.get("scenario")
    if not isinstance(scenario, dict) or "Mutant" not in scenario:
        continue
    file = scenario["Mutant"]["file"]
    summary = outcome.get("summary", "")
    kind = {"CaughtMutant": "caught", "MissedMutant": "missed", "Timeout": "timeout", "Unviable": "unviable"}.get(summary, summary.lower())
    table[file][kind] += 1
print(f"{'file':40} {'caught':>7} {'missed':>7} {'timeout':>8} {'unviable':>9} {'score':>7}")
total = collections.Counter()
for file in sorted(table):
    c = table[file]
    total.update(c)
    viable = c["caught"] + c["missed"] + c["timeout"]
    score = 100.0 * (c["caught"] + c["timeout"]) / viable if viable else 100.0
    print(f"{file:40} {c['caught']:7} {c['missed']:7} {c['timeout']:8} {c['unviable']:9} {score:6.1f}%")
viable = total["caught"] + total["missed"] + total["timeout"]
if viable:
    print(f"{'all':40} {total['caught']:7} {total['missed']:7} {total['timeout']:8} {total['unviable']:9} {100.0 * (total['caught'] + total['timeout']) / viable:6.1f}%")
PY
