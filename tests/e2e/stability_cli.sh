#!/usr/bin/env bash
# `fixturegen stability` with the engine double, the round trip of issue 9:
# rules that lack the run-id, host-name and version rules make the plan
# unstable; stability names those fields and proposes rules; with the
# proposed rules pasted in, the next run is stable. Also: nothing is written
# into fixtures_generated/ or the POCs, no temp folder is left, --format json,
# the exit codes, and the "may hide a regression" warning.
# Usage: stability_cli.sh FIXTUREGEN ROCKY_DOUBLE DUCKDB SOURCE_DIR
set -uo pipefail
fixturegen=${1:?}; double=${2:?}; duckdb=${3:?}; src=${4:?}
source "$(dirname "$0")/lib.sh"
e2e_scratch stability
cd "$WORK" || exit 1
export TMPDIR="$WORK/tmp"
mkdir -p "$TMPDIR"

# A scratch copy of the project (the corpus too: it must stay as it is).
mkdir project
cp -r "$src/fixturegen.toml" "$src/pocs" "$src/fixtures_generated" project/
corpus_sum() { (cd "$1" && find fixtures_generated pocs -type f -exec sha256sum {} + | LC_ALL=C sort | sha256sum); }
before=$(corpus_sum project)
stability() { (cd project && "$fixturegen" stability --engine "$double" --tool "duckdb=$duckdb" -j 2 "$@"); }

# rocky-current without run_id, hostname, rocky_version and version; the
# [string_sentinels] table comes last, so its entries can be appended.
cat > rules.toml <<'TOML'
zero_suffixes = ["_ms", "_seconds", "_secs"]
zero_keep_type_keys = ["compute_cost_per_run", "estimated_monthly_savings"]
wall_clock_keys = ["updated_at", "started_at", "finished_at", "timestamp", "captured_at", "created_at", "last_value", "watermark"]
preserve_keys = []
opaque_keys = []

[string_sentinels]
git_commit = "sha-SENTINEL"
git_branch = "branch-SENTINEL"
triggering_identity = "user-SENTINEL"
target_catalog = "catalog-SENTINEL"
env_hash = "envhash-SENTINEL"
TOML

# 1. Unstable: the three kinds of field are found, classified, and get key rules.
expect_rc 1 "stability with rules missing run-id, host and version" stability --rules "$WORK/rules.toml"
cp out.txt unstable.txt
expect_contains unstable.txt "unstable: 4 finding(s) the rules miss" "headline"
expect_contains unstable.txt "1. run id \`run_id\` differs between runs" "run ids move with the clock"
expect_contains unstable.txt "pointers: /run_id /runs/*/run_id" "run id pointers"
expect_contains unstable.txt "version \`version\` is the same in every run here, but it is this machine's engine version (38 place(s) in 38 capture(s))" "engine version"
expect_contains unstable.txt "version \`rocky_version\` is the same in every run here" "rocky_version"
expect_contains unstable.txt "host name \`hostname\` is the same in every run here, but it is this machine's host name" "host name"
expect_contains unstable.txt "key rule: every \`run_id\` in every capture holds a run id" "key rule, and why"
expect_contains unstable.txt 'run 2: "run-' "sample values of the second run"
expect_contains unstable.txt "clock +27h17m23s" "the later clock is named"
expect_contains unstable.txt "TZ=Asia/Kolkata" "the other time zone is named"
expect_contains err.txt "rules (" "rule accounting in the log"

# 2. Paste the proposal: the "[string_sentinels]" entries at the end of the file.
sed -n '/^proposed rules/,/^$/p' unstable.txt | grep -v -e '^#' -e '^proposed' -e '^$' > pasted.txt
[[ $(wc -l < pasted.txt) == 4 ]] && pass || fail "expected 4 proposed lines: $(cat pasted.txt)"
for line in 'run_id = "run-SENTINEL"' 'hostname = "host-SENTINEL"' 'version = "0.0.0-SENTINEL"' 'rocky_version = "0.0.0-SENTINEL"'; do
  expect_contains pasted.txt "$line" "proposed rule"
done
cat rules.toml pasted.txt > fixed.toml

# 3. With the proposed rules, stable; the sentinel'd machine values raise no warning.
expect_rc 0 "stability with the proposed rules" stability --rules "$WORK/fixed.toml"
cp out.txt stable.txt
expect_contains stable.txt "stable: every normalized capture is the same in every run" "stable verdict"
expect_not_contains stable.txt "string_sentinels.hostname replaced" "no warning for a host name rule"
# A rule that only ever replaced one unchanging value is called out.
expect_contains stable.txt "warning: rule string_sentinels.target_catalog replaced 6 value(s) that were the same in every run; it may hide a real regression" "quiet rule"
expect_contains err.txt "warning: rule string_sentinels.target_catalog replaced 6 value(s)" "quiet rule on stderr too"
expect_contains err.txt "stable: 40 capture(s) the same in 2 run(s)" "stable, on stderr"

# 4. --format json and --runs 3, one POC.
expect_rc 1 "json, three runs" stability --rules "$WORK/rules.toml" --runs 3 --poc '*anomaly*' --format json
cp out.txt unstable.json
expect_contains unstable.json '"verdict": "unstable"' "json verdict"
expect_contains unstable.json '"class": "run id"' "json class"
expect_contains unstable.json '"placement": "string_sentinels"' "json placement"
expect_contains unstable.json 'TZ=America/St_Johns' "third run, third time zone"
expect_contains unstable.json '"quiet_rules": [' "json quiet rules"
if grep -q '"values": \[' unstable.json && python3 -c 'import json,sys; d=json.load(open("unstable.json")); sys.exit(0 if all(len(o["values"])==3 for f in d["findings"] for o in f["occurrences"]) else 1)' 2>/dev/null; then
  pass
else
  fail "every occurrence should have three values"
fi

# 5. Exit codes: a bad rules file is 2, a failing engine step is 3.
printf 'zero_suffixes = 3\n' > bad.toml
expect_rc 2 "bad rules file" stability --rules "$WORK/bad.toml"
expect_rc 2 "one run is not a comparison" stability --runs 1
ROCKY_DOUBLE_FAULT=crash expect_rc 3 "engine crash" stability --poc '*01-replication-basics'
expect_contains err.txt "run 1: pocs/00-foundations/01-replication-basics" "the failing run and POC are named"

# 6. Rule accounting: normalize --stats, and a filtered regen calls no rule dead.
expect_rc 0 "normalize --stats" "$fixturegen" normalize --stats --profile rocky-current "$src/fixtures_generated/run.json"
expect_contains err.txt "rules (profile rocky-current): " "stats headline"
expect_contains err.txt "string_sentinels.version" "a rule by name"
expect_contains err.txt "string_sentinels.run_id  DEAD" "a rule that never fired on run.json"
expect_rc 0 "filtered regen --check" bash -c "cd project && '$fixturegen' regen --check --poc '*anomaly*' --engine '$double' --tool 'duckdb=$duckdb'"
expect_contains err.txt "string_sentinels.git_commit  (not fired here)" "filtered: not dead"
expect_not_contains err.txt "DEAD" "filtered: no rule is called dead"
expect_contains err.txt "       4  string_sentinels.run_id" "run ids counted in anomaly/history.json"

# 7. SIGTERM in the middle of a run: exit 130 at once, sandboxes and temp folders removed.
(cd project && exec "$fixturegen" stability --engine "$double" --tool "duckdb=$duckdb" -j 2 --rules "$WORK/rules.toml") \
  >term.out 2>term.err &
pid=$!
for _ in $(seq 1 100); do
  if grep -q 'step ' term.err 2>/dev/null; then break; fi
  sleep 0.1
done
kill -TERM "$pid"
wait "$pid"; rc=$?
[[ $rc == 130 ]] && pass || fail "SIGTERM: exit $rc, expected 130 ($(tail -n 3 term.err))"
expect_contains term.err "interrupted" "the interrupt is reported"

# 8. Nothing written into the corpus or the POCs; no temp folder left.
[[ $(corpus_sum project) == "$before" ]] && pass || fail "fixtures_generated/ or pocs/ changed"
leftover=$(find "$TMPDIR" -mindepth 1 -maxdepth 1 | wc -l)
[[ $leftover == 0 ]] && pass || fail "temp folders left: $(ls "$TMPDIR")"

echo "stability_cli: $checks passed, $failures failed"
((failures == 0))
