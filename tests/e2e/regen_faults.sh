#!/usr/bin/env bash
# Every fault mode of the engine double (ROCKY_DOUBLE_FAULT) through
# `fixturegen regen`, in a scratch copy of the project: the documented
# message and exit code, and afterwards every committed fixture and every POC
# folder exactly as before, no sandbox left behind.
# Usage: regen_faults.sh FIXTUREGEN ROCKY_DOUBLE DUCKDB SOURCE_DIR
set -uo pipefail
fixturegen=${1:?}; double=${2:?}; duckdb=${3:?}; src=${4:?}
work=$(mktemp -d "${TMPDIR:-/tmp}/fixturegen-e2e-faults.XXXXXX")
trap 'rm -rf "$work"' EXIT
export TMPDIR="$work/tmp"
mkdir -p "$TMPDIR" "$work/p"
cp -r "$src/fixturegen.toml" "$src/pocs" "$src/fixtures_generated" "$work/p/"
cd "$work/p" || exit 1
passed=0; failed=0
ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL $1"; }
tree_sum() { (cd "$1" && find . -type f -exec sha256sum {} + | LC_ALL=C sort | tee "$work/last_sum_$(basename "$1")" | sha256sum); }
fixtures_before=$(tree_sum fixtures_generated); cp "$work/last_sum_fixtures_generated" "$work/before_sum"
pocs_before=$(tree_sum pocs)
poc=pocs/01-quality/01-data-contracts-strict
cmd="$double compile --models models --contracts contracts"

# fault MODE EXPECTED_EXIT TEXT [EXTRA REGEN ARGS...]
fault() {
  local mode=$1 want=$2 text=$3
  shift 3
  local started=$SECONDS
  ROCKY_DOUBLE_FAULT=$mode "$fixturegen" regen --poc "$poc" --engine "$double" --tool "duckdb=$duckdb" "$@" >out.txt 2>err.txt
  local rc=$?
  [[ $rc == "$want" ]] && ok || bad "$mode: exit $rc, expected $want: $(tail -c 1500 err.txt)"
  grep -qF -- "$text" err.txt out.txt && ok || bad "$mode: '$text' not in the output: $(tail -c 1500 err.txt)"
  if [[ $want != 0 && $want != 1 ]]; then
    grep -qF -- "$poc: step 1 of 1 (" err.txt && ok || bad "$mode: the POC and step are not named"
    grep -qF -- "command (run in a sandbox copy of $poc): $cmd" err.txt && ok || bad "$mode: the command line is not named"
    grep -qF -- "the fixtures of $poc were left as they were" err.txt && ok || bad "$mode: no word on the fixtures"
  fi
  local now; now=$(tree_sum fixtures_generated)
  [[ $now == "$fixtures_before" ]] && ok || bad "$mode: a committed fixture changed ($now vs $fixtures_before, in $PWD)"
  [[ $(tree_sum pocs) == "$pocs_before" ]] && ok || bad "$mode: a POC folder changed"
  [[ -z $(ls -A "$TMPDIR") ]] && ok || bad "$mode: sandboxes left: $(ls "$TMPDIR")"
  echo "ok   $mode -> exit $rc in $((SECONDS - started)) s"
}

fault crash 3 "killed by signal 6 (SIGABRT)"
fault empty 3 "printed nothing on stdout, but the step needs one JSON document"
fault garbage 3 "stdout is not one JSON document: 1:1:"
fault truncated 3 "stdout is not one JSON document:"
# A non-zero exit with valid JSON is a capture unless the step's `exit` narrows it.
# (--check: a regen would record the new exit code in the lock file.)
fault json-then-exit-3 0 "1 captures, 0 failed, corpus matches" --check
# This POC's compile exits 1 (its contracts are broken on purpose): allow only that.
sed -i 's|^args = \["compile", "--models", "models", "--contracts", "contracts"\]$|&\nexit = [1]\ntimeout = "3s"|' "$poc/capture.toml"
pocs_before=$(tree_sum pocs)
fault json-then-exit-3 3 "exit code 3 is not allowed; allowed: 1"
fault hang 3 "timed out after 3000 ms"
grep -qF "ended: timed out, process group killed" err.txt && ok || bad "hang: the kill is not reported"
# A flood of stderr while stdout is drained: no deadlock, the same capture.
fault stderr-flood=64 0 "1 captures, 0 failed, corpus matches" --check
# A huge document is read whole (no deadlock) and --check reports the drift.
fault huge=40 1 "changed   fixtures_generated/contracts/compile.json" --check
grep -qF "1 of 1 files differ: 1 changed" out.txt && ok || bad "huge: the drift summary is missing"
fault extra-field 1 "+ /unexpected_field_from_double: true" --check
fault changed-type 1 "changed   fixtures_generated/contracts/compile.json" --check
if pgrep -f "rocky-double compile" >/dev/null; then bad "a double is still running"; else ok; fi

echo "regen_faults: $passed checks passed, $failed failed"
((failed == 0))
