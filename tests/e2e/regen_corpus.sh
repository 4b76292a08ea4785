#!/usr/bin/env bash
# The repository's own corpus: `fixturegen regen --check` with the engine
# double reproduces the committed fixtures_generated/ byte for byte (the CI
# drift gate), a second, independent capture in a scratch copy of the project
# equals it too, every capture validates, and the POC folders stay untouched.
# Usage: regen_corpus.sh FIXTUREGEN ROCKY_DOUBLE DUCKDB SOURCE_DIR
set -uo pipefail
fixturegen=${1:?}; double=${2:?}; duckdb=${3:?}; src=${4:?}
work=$(mktemp -d "${TMPDIR:-/tmp}/fixturegen-e2e-corpus.XXXXXX")
trap 'rm -rf "$work"' EXIT
passed=0; failed=0
ok() { passed=$((passed + 1)); echo "ok   $1"; }
bad() { failed=$((failed + 1)); echo "FAIL $1"; }
pocs_sum() { (cd "$1/pocs" && find . -type f -exec sha256sum {} + | LC_ALL=C sort | sha256sum); }
before=$(pocs_sum "$src")

# 1. The drift gate, exactly as CI runs it.
if (cd "$src" && "$fixturegen" regen --check --engine "$double" --tool "duckdb=$duckdb" --log-dir "$work/logs") \
     >"$work/check.out" 2>"$work/check.err"; then
  ok "regen --check: the committed corpus is reproduced ($(grep 'fixturegen: check: ' "$work/check.err" | tail -n 1))"
  # A full regen names the rules that never fired (git_commit: the double prints none).
  grep -q 'string_sentinels.git_commit  DEAD' "$work/check.err" && ok "dead rules listed" || bad "no dead rule listed"
else
  bad "regen --check found drift or failed:"; cat "$work/check.out"; tail -n 30 "$work/check.err"
fi

# 2. A second capture, into a scratch copy of the project.
mkdir -p "$work/copy"
cp -r "$src/fixturegen.toml" "$src/pocs" "$work/copy/"
if (cd "$work/copy" && "$fixturegen" regen -j 2 --engine "$double" --tool "duckdb=$duckdb") >"$work/regen.out" 2>"$work/regen.err"; then
  ok "regen into a scratch copy ($(grep "fixturegen: regen: " "$work/regen.err" | tail -n 1))"
else
  bad "regen into a scratch copy failed:"; tail -n 30 "$work/regen.err"
fi
count=$(find "$work/copy/fixtures_generated" -name '*.json' | wc -l)
[[ $count == 40 ]] && ok "40 captures" || bad "expected 40 captures, got $count"
if diff -r -x fixturegen.lock -x README.md "$src/fixtures_generated" "$work/copy/fixtures_generated" >"$work/diff.out"; then
  ok "the second capture equals the committed one, byte for byte"
else
  bad "the second capture differs:"; head -40 "$work/diff.out"
fi
# The lock's captures (file, command, exit code, sha256) match too; only the
# per-POC durations and the engine's path (outside the scratch copy) differ.
strip() { grep -v -e '"duration_ms"' -e '"command"' -e '"engine"' "$1"; }
if diff <(strip "$src/fixtures_generated/fixturegen.lock") <(strip "$work/copy/fixtures_generated/fixturegen.lock") >"$work/lock.diff"; then
  ok "the lock file matches (durations aside)"
else
  bad "the lock file differs:"; head -20 "$work/lock.diff"
fi
out=$(cd "$src" && "$fixturegen" validate 2>&1)
[[ $(tail -n 1 <<<"$out") == "40 passed, 0 failed" ]] && ok "the committed corpus validates: $(tail -n 1 <<<"$out")" \
  || { bad "validate"; tail -n 20 <<<"$out"; }
status_out=$(cd "$src" && "$fixturegen" status --engine "$double" 2>&1)
[[ $? == 0 ]] && ok "status: every capture current" || { bad "status"; head -20 <<<"$status_out"; }
[[ $(pocs_sum "$src") == "$before" ]] && ok "POC folders unchanged" || bad "a POC folder changed"

echo "regen_corpus: $passed passed, $failed failed"
((failed == 0))
