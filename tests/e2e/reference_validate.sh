#!/usr/bin/env bash
# End-to-end on the real engine data: all 40 captures in
# $FIXTUREGEN_ROCKY_REFERENCE/fixtures_generated pass `fixturegen validate`
# against the schemas compiled from this project's scenarios/ (also --strict),
# and against the engine's own schemas (--schemas), with and without the
# project's scenarios to pick types.
# Usage: reference_validate.sh FIXTUREGEN_BINARY SOURCE_DIR
# Exit 77 (CTest: skipped) when FIXTUREGEN_ROCKY_REFERENCE is unset.
set -uo pipefail
bin=${1:?binary}; src=${2:?source dir}
ref=${FIXTUREGEN_ROCKY_REFERENCE:-}
if [[ -z $ref ]]; then
  echo "skipped: FIXTUREGEN_ROCKY_REFERENCE is not set (.ci/run sets it to ../shared/rocky-reference)"
  exit 77
fi
if [[ ! -d $ref/fixtures_generated || ! -d $ref/schemas ]]; then
  echo "FIXTUREGEN_ROCKY_REFERENCE=$ref lacks fixtures_generated/ or schemas/"
  exit 1
fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
passed=0; failed=0

run() {  # NAME DIR COMMAND...: expects exit 0 and "40 passed, 0 failed" last
  local name=$1 dir=$2; shift 2
  (cd "$dir" && "$@") >"$tmp/out" 2>"$tmp/err"; local rc=$?
  local last; last=$(tail -n 1 "$tmp/out")
  if [[ $rc == 0 && $last == "40 passed, 0 failed" ]]; then
    passed=$((passed + 1)); echo "ok   $name: $last"
  else
    failed=$((failed + 1)); echo "FAIL $name: exit $rc, last line '$last'"
    grep -v '^ok ' "$tmp/out" | head -40; head -20 "$tmp/err"
  fi
}

caps="$ref/fixtures_generated"
run "scenario-compiled schemas" "$src" "$bin" validate "$caps"
run "scenario-compiled schemas, --strict" "$src" "$bin" validate --strict "$caps"
run "engine schemas, types by scenarios" "$src" "$bin" validate --schemas "$ref/schemas" "$caps"
run "engine schemas, --strict" "$src" "$bin" validate --schemas "$ref/schemas" --strict "$caps"
run "engine schemas, engine convention only" "$tmp" "$bin" validate --schemas "$ref/schemas" "$caps"

echo "reference_validate: $passed passed, $failed failed"
((failed == 0))
