#!/usr/bin/env bash
# End-to-end: `fixturegen schemas --compare DIR` and `validate --coverage
# --schemas DIR` against a small engine schema directory made here, with the
# test scenarios and captures under tests/data/ (docs/compare.md).
# Usage: engine_compare.sh FIXTUREGEN_BINARY SOURCE_DIR
set -uo pipefail
bin=$(realpath "${1:?binary}"); src=$(realpath "${2:?source dir}")
data="$src/tests/data"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
passed=0; failed=0

# expect NAME WANT_RC COMMAND...: runs COMMAND, keeps stdout/stderr in $tmp/out, $tmp/err.
expect() {
  local name=$1 want=$2; shift 2
  "$@" >"$tmp/out" 2>"$tmp/err"; local rc=$?
  if [[ $rc == "$want" ]]; then passed=$((passed + 1)); else
    failed=$((failed + 1)); echo "FAIL $name: exit $rc, wanted $want"; sed 's/^/  out: /' "$tmp/out" | head -20; sed 's/^/  err: /' "$tmp/err" | head -20
  fi
}
# contains NAME FILE TEXT
contains() {
  if grep -qF -- "$3" "$2"; then passed=$((passed + 1)); else
    failed=$((failed + 1)); echo "FAIL $1: $2 lacks: $3"; sed 's/^/  | /' "$2" | head -30
  fi
}

# The engine's view of `widget`: `status` may also be "skipped", `count` may
# be null, `since` is a field no scenario shows; `ratio` is a number.
eng="$tmp/engine"; mkdir -p "$eng"
cat >"$eng/widget.schema.json" <<'EOF'
{
  "$schema": "http://json-schema.org/draft-07/schema#",
  "type": "object",
  "properties": {
    "command": {"type": "string"},
    "status": {"allOf": [{"$ref": "#/definitions/Status"}]},
    "count": {"type": ["integer", "null"]},
    "ratio": {"type": "number"},
    "created_at": {"type": ["string", "null"]},
    "labels": {"type": "object", "additionalProperties": {"type": "string"}},
    "note": {"type": "string"},
    "extra": {"type": "object"},
    "parts": {"type": "array", "items": {"$ref": "#/definitions/Part"}},
    "tags": {"type": "array", "items": {"type": "string"}},
    "since": {"type": "string"}
  },
  "definitions": {
    "Status": {"type": "string", "enum": ["ok", "failed", "skipped"]},
    "Part": {"type": "object", "properties": {"name": {"type": "string"}, "weight": {"type": "number"}}}
  }
}
EOF
echo '{"type": "object", "properties": {"id": {"type": "integer"}}}' >"$eng/gizmo.schema.json"
sc=(--scenarios "$data/scenarios")

# ---- schemas --compare ------------------------------------------------------
mkdir -p "$tmp/cwd"
expect "compare reports, exit 0 by default" 0 bash -c 'cd "$1" && shift && exec "$@"' _ "$tmp/cwd" "$bin" schemas "${sc[@]}" --compare "$eng"
contains "compare summary" "$tmp/out" "widget: declared 16, shown 14 (88%), missing 2, extra 1, type 2"
contains "compare missing" "$tmp/out" "  missing  /since"
contains "compare missing items" "$tmp/out" "  missing  /tags/*"
contains "compare extra" "$tmp/out" "  extra    /maybe"
contains "compare enum" "$tmp/out" '  type     /status: enum values the engine allows that no example uses: "skipped"'
contains "compare nullable" "$tmp/out" "  type     /count: the engine allows null; no example shows null"
contains "compare no scenario" "$tmp/out" "engine types with no scenario (1): gizmo"
contains "compare no schema" "$tmp/out" "scenarios with no engine schema (1): widget_detail"
[[ -z "$(ls -A "$tmp/cwd")" ]] && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL --compare wrote files"; }

expect "compare --format json" 0 "$bin" schemas "${sc[@]}" --compare "$eng" --format json
contains "json summary" "$tmp/out" '"summary": {'
contains "json missing" "$tmp/out" '"/since"'
contains "json findings" "$tmp/out" '"kind": "enum_value_not_shown"'

expect "--fail-on missing fails" 1 "$bin" schemas "${sc[@]}" --compare "$eng" --fail-on missing,type
contains "--fail-on names the categories" "$tmp/err" "disagree with the engine schemas in $eng: missing, type (--fail-on)"
contains "--fail-on hint" "$tmp/err" "hint:"
expect "--fail-on no-schema fails" 1 "$bin" schemas "${sc[@]}" --compare "$eng" --fail-on no-schema
rm "$eng/gizmo.schema.json"
expect "--fail-on an empty category passes" 0 "$bin" schemas "${sc[@]}" --compare "$eng" --fail-on no-scenario
expect "--fail-on unknown" 2 "$bin" schemas "${sc[@]}" --compare "$eng" --fail-on missing,typo
expect "--compare with --check" 2 "$bin" schemas "${sc[@]}" --compare "$eng" --check
expect "--format without --compare" 2 "$bin" schemas "${sc[@]}" --format json --out "$tmp/s"
expect "--compare missing dir" 2 "$bin" schemas "${sc[@]}" --compare "$tmp/nope"
contains "missing dir message" "$tmp/err" "no schema directory $tmp/nope"

# ---- validate --coverage --schemas ------------------------------------------
expect "validate coverage against engine schemas" 0 "$bin" validate "${sc[@]}" --schemas "$eng" --coverage "$data/captures/widget"
contains "engine coverage header" "$tmp/out" "coverage: engine-declared fields no capture shows (schemas in $eng):"
contains "engine coverage summary" "$tmp/out" "  widget: declared 16, shown 14 (88%) by 2 capture(s), missing 2"
contains "engine coverage path" "$tmp/out" "    /since"
expect "validate coverage json" 0 "$bin" validate "${sc[@]}" --schemas "$eng" --coverage --format json "$data/captures/widget"
contains "engine coverage json" "$tmp/out" '"engine_fields": ['
echo '{' >"$eng/widget.schema.json"
expect "validate coverage, broken schema" 2 "$bin" validate "${sc[@]}" --schemas "$eng" --coverage "$data/captures/widget"

echo "engine_compare: $passed passed, $failed failed"
((failed == 0))
