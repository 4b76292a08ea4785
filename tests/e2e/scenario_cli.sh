#!/usr/bin/env bash
# End-to-end: `fixturegen schemas` and `fixturegen validate` driven as a user
# would, on the tiny scenarios and captures under tests/data/.
# Usage: scenario_cli.sh FIXTUREGEN_BINARY SOURCE_DIR
set -uo pipefail
bin=${1:?binary}; src=${2:?source dir}
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
    failed=$((failed + 1)); echo "FAIL $1: $2 lacks: $3"; sed 's/^/  | /' "$2" | head -20
  fi
}
last_line() {
  if [[ "$(tail -n 1 "$2")" == "$3" ]]; then passed=$((passed + 1)); else
    failed=$((failed + 1)); echo "FAIL $1: last line is '$(tail -n 1 "$2")', wanted '$3'"
  fi
}

# ---- schemas -----------------------------------------------------------------
out="$tmp/schemas"
expect "schemas writes" 0 "$bin" schemas --scenarios "$data/scenarios" --out "$out"
[[ -f $out/widget.schema.json && -f $out/widget_detail.schema.json ]] && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL schemas: files missing"; }
expect "schemas --check clean" 0 "$bin" schemas --scenarios "$data/scenarios" --out "$out" --check
cp "$out/widget.schema.json" "$tmp/widget.before"
expect "schemas is idempotent" 0 "$bin" schemas --scenarios "$data/scenarios" --out "$out"
cmp -s "$out/widget.schema.json" "$tmp/widget.before" && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL schemas: bytes changed on rerun"; }
echo ' ' >>"$out/widget.schema.json"
echo '{}' >"$out/gone.schema.json"
echo gone.schema.json >>"$out/.fixturegen-schemas.manifest"  # as if written by an earlier run
rm "$out/widget_detail.schema.json"
expect "schemas --check drift" 1 "$bin" schemas --scenarios "$data/scenarios" --out "$out" --check
contains "check names stale" "$tmp/err" "stale:   $out/widget.schema.json"
contains "check names extra" "$tmp/err" "extra:   $out/gone.schema.json"
contains "check names missing" "$tmp/err" "missing: $out/widget_detail.schema.json"
contains "check hint" "$tmp/err" 'run `fixturegen schemas` (or `just schemas`) and commit'
[[ -f $out/gone.schema.json ]] && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL --check wrote"; }
expect "schemas repairs" 0 "$bin" schemas --scenarios "$data/scenarios" --out "$out"
[[ ! -e $out/gone.schema.json ]] && cmp -s "$out/widget.schema.json" "$tmp/widget.before" && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL schemas: stale file kept"; }
expect "schemas without scenarios" 2 "$bin" schemas --scenarios "$tmp/none" --out "$tmp/x"
mkdir -p "$tmp/badsc" && echo '{"name": "bad", "description": "d", "match": {"command": "bad"}, "variants": {"a": {"command": "bad"}, "b": {"command": "bad"}}, "oops": 1}' >"$tmp/badsc/bad.json"
expect "schemas with a bad scenario" 2 "$bin" schemas --scenarios "$tmp/badsc" --out "$tmp/x"
contains "bad scenario pointer" "$tmp/err" "$tmp/badsc/bad.json: /oops: unknown key \"oops\""

# ---- validate ------------------------------------------------------------------
sc=(--scenarios "$data/scenarios")
expect "validate ok" 0 "$bin" validate "${sc[@]}" "$data/captures"
last_line "validate summary" "$tmp/out" "3 passed, 0 failed"
contains "validate ok line" "$tmp/out" "ok   $data/captures/detail.json  (widget_detail)"
contains "validate warning" "$tmp/out" "  warning: /surprise:"
expect "validate --strict" 1 "$bin" validate "${sc[@]}" --strict "$data/captures"
last_line "strict summary" "$tmp/out" "2 passed, 1 failed"
contains "strict FAIL line" "$tmp/out" "FAIL $data/captures/widget/extra_key.json  (widget)"
contains "strict violation" "$tmp/out" "  /surprise: "
contains "schema pointer" "$tmp/out" "[schema: #/additionalProperties]"
contains "unknown key names the scenario" "$tmp/out" "add it to a variant in $data/scenarios/widget.json"
contains "drift hint" "$tmp/err" "fixturegen: hint: a capture no longer matches its scenario"
compiled="$tmp/compiled"
expect "schemas for --schemas" 0 "$bin" schemas --scenarios "$data/scenarios" --out "$compiled"
expect "validate --schemas --strict" 1 "$bin" validate "${sc[@]}" --schemas "$compiled" --strict "$data/captures"
contains "schema file named" "$tmp/out" "[schema: $compiled/widget.schema.json#/additionalProperties]"
expect "validate bad" 1 "$bin" validate "${sc[@]}" "$data/captures_bad"
contains "parse error position" "$tmp/out" "$data/captures_bad/broken.json:2:13:"
contains "unknown command" "$tmp/out" "no output type matches command \"gadget\": add $data/scenarios/gadget.json"
contains "type violation" "$tmp/out" "/detail/id: expected integer"
last_line "bad summary" "$tmp/out" "0 passed, 3 failed"
expect "validate one file" 0 "$bin" validate "${sc[@]}" "$data/captures/detail.json"
last_line "one file summary" "$tmp/out" "1 passed, 0 failed"

expect "validate json" 1 "$bin" validate "${sc[@]}" --format json --coverage "$data/captures_bad" "$data/captures/widget"
python3 - "$tmp/out" <<'PY' && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL json report shape"; }
import json, sys
r = json.load(open(sys.argv[1]))
assert r["passed"] == 2 and r["failed"] == 3, r
assert [f["valid"] for f in r["files"]] == [False, False, False, True, True]
f = r["files"][2]
assert f["type"] == "widget_detail" and f["errors"][0]["pointer"] == "/detail/id", f
assert f["errors"][0]["schema_pointer"].endswith("/type") and "message" in f["errors"][0]
assert r["files"][0]["type"] is None
assert r["files"][3]["warnings"][0]["pointer"] == "/surprise"
assert r["coverage"]["commands_without_scenarios"] == ["gadget"], r["coverage"]
assert any(t["type"] == "widget_detail" for t in r["coverage"]["types"])
PY
expect "validate junit" 1 "$bin" validate "${sc[@]}" --format junit "$data/captures_bad" "$data/captures"
python3 - "$tmp/out" <<'PY' && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL junit report shape"; }
import sys, xml.etree.ElementTree as ET
s = ET.parse(sys.argv[1]).getroot()
assert s.tag == "testsuite" and s.get("tests") == "6" and s.get("failures") == "3", s.attrib
assert len(s.findall("testcase")) == 6 and len(s.findall("testcase/failure")) == 3
PY
expect "validate coverage text" 0 "$bin" validate "${sc[@]}" --coverage "$data/captures"
contains "coverage paths" "$tmp/out" "coverage: scenario paths never observed in any capture:"
contains "coverage path" "$tmp/out" "  widget_detail  /detail/name"
contains "coverage variant" "$tmp/out" "  widget_detail  two  (no capture has /detail/name)"
contains "coverage commands" "$tmp/out" "coverage: commands captured without scenarios: none"
last_line "coverage summary last" "$tmp/out" "3 passed, 0 failed"

expect "validate --schemas" 1 "$bin" validate "${sc[@]}" --schemas "$out" --strict "$data/captures" "$data/captures_bad"
last_line "schemas summary" "$tmp/out" "2 passed, 4 failed"
contains "schemas missing type" "$tmp/out" "no schema for output type \"gadget\": expected $out/gadget.schema.json"

expect "validate missing path" 2 "$bin" validate "${sc[@]}" "$tmp/nope"
expect "validate bad format" 2 "$bin" validate "${sc[@]}" --format yaml "$data/captures"
mkdir -p "$tmp/empty_repo/fixtures_generated" "$tmp/empty_repo/scenarios" && cp "$data"/scenarios/*.json "$tmp/empty_repo/scenarios/"
expect "validate empty corpus" 1 bash -c "cd '$tmp/empty_repo' && '$bin' validate"
contains "empty corpus message" "$tmp/err" "no captures under fixtures_generated/: regen was never run"
contains "empty corpus hint" "$tmp/err" 'just regen'
expect "validate unreadable scenarios" 2 "$bin" validate --scenarios "$tmp/badsc" "$data/captures"

echo "scenario_cli: $passed passed, $failed failed"
((failed == 0))
