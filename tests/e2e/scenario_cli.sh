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
contains "validate warning, located" "$tmp/out" "  $data/captures/widget/extra_key.json:12:15: warning: /surprise:"
expect "validate --strict" 1 "$bin" validate "${sc[@]}" --strict "$data/captures"
last_line "strict summary" "$tmp/out" "2 passed, 1 failed"
contains "strict FAIL line" "$tmp/out" "FAIL $data/captures/widget/extra_key.json  (widget)"
contains "strict violation, located" "$tmp/out" "  $data/captures/widget/extra_key.json:12:15: /surprise: "
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
assert r["files"][3]["warnings"][0]["kind"] == "additional_property", r["files"][3]
assert f["errors"][0]["kind"] == "type", f
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
contains "empty corpus hint names the command (issue 6.17)" "$tmp/err" 'run `fixturegen regen` (or `just regen`)'
expect "validate unreadable scenarios" 2 "$bin" validate --scenarios "$tmp/badsc" "$data/captures"

# ---- one bad file is that file's result (issue 6.4, 6.15) ------------------------
mixed="$tmp/mixed"; mkdir -p "$mixed"
cp "$data/captures/detail.json" "$mixed/a_ok.json"
cp "$data/captures/widget/ok.json" "$mixed/c_ok.json"
# Unreadable: mode 000, read as an unprivileged user (root reads anything).
echo '{"command": "widget"}' >"$mixed/b_unreadable.json"; chmod 000 "$mixed/b_unreadable.json"
chmod 755 "$tmp" "$mixed"
as_user=()
if [[ $(id -u) == 0 ]]; then as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups); fi
if "${as_user[@]}" cat "$mixed/b_unreadable.json" >/dev/null 2>&1 || ! "${as_user[@]}" "$bin" --version >/dev/null 2>&1; then
  echo "note: cannot make a file unreadable here (no setpriv to an unprivileged user): unreadable-capture checks not run"
  failed=$((failed + 1))
else
  expect "unreadable capture: the rest are checked, exit 3 (issue 6.15)" 3 "${as_user[@]}" "$bin" validate "${sc[@]}" "$mixed"
  contains "unreadable: others reported (issue 6.15)" "$tmp/out" "ok   $mixed/c_ok.json  (widget)"
  contains "unreadable: its own result (issue 6.15)" "$tmp/out" "ERROR $mixed/b_unreadable.json  (no type)"
  contains "unreadable: says why (issue 6.15)" "$tmp/out" "io error: cannot read $mixed/b_unreadable.json"
  last_line "unreadable: summary (issue 6.15)" "$tmp/out" "2 passed, 0 failed, 1 error"
  contains "unreadable: run error (issue 6.15)" "$tmp/err" "fixturegen: error: 1 of 3 capture(s) could not be checked"
  expect "unreadable capture, json (issue 6.15)" 3 "${as_user[@]}" "$bin" validate "${sc[@]}" --format json "$mixed"
  python3 - "$tmp/out" <<'PY' && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL json with an unreadable capture (issue 6.15)"; }
import json, sys
r = json.load(open(sys.argv[1]))
assert (r["passed"], r["failed"], r["errored"]) == (2, 0, 1), r
f = r["files"][1]
assert f["status"] == "error" and f["error"]["kind"] == "io" and "cannot read" in f["error"]["message"], f
assert [x["status"] for x in r["files"]] == ["passed", "error", "passed"], r
PY
  expect "unreadable capture, junit (issue 6.15)" 3 "${as_user[@]}" "$bin" validate "${sc[@]}" --format junit "$mixed"
  python3 - "$tmp/out" <<'PY' && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL junit with an unreadable capture (issue 6.15)"; }
import sys, xml.etree.ElementTree as ET
s = ET.parse(sys.argv[1]).getroot()
assert (s.get("tests"), s.get("failures"), s.get("errors")) == ("3", "0", "1"), s.attrib
e = s.findall("testcase/error")
assert len(e) == 1 and e[0].get("type") == "io", [x.attrib for x in e]
PY
  # Drift and an unreadable file: the more severe (3) wins.
  cp "$data/captures_bad/"*.json "$mixed/"
  expect "drift + unreadable: exit 3 (issue 6.15)" 3 "${as_user[@]}" "$bin" validate "${sc[@]}" "$mixed"
  rm -f "$mixed/b_unreadable.json"
  for f in "$data/captures_bad/"*.json; do rm -f "$mixed/$(basename "$f")"; done
fi

# Schemas that do not compile are configuration errors (2), the captures of
# other types are still checked.
broken="$tmp/broken_schemas"; mkdir -p "$broken"
"$bin" schemas --scenarios "$data/scenarios" --out "$broken" >/dev/null 2>&1
echo '{"$ref": "#/definitions/a", "definitions": {"a": {"$ref": "#/definitions/b"}, "b": {"$ref": "#/definitions/a"}}}' >"$broken/widget_detail.schema.json"
expect "\$ref cycle: exit 2 (issue 6.15)" 2 "$bin" validate "${sc[@]}" --schemas "$broken" "$mixed"
contains "\$ref cycle: other types checked (issue 6.15)" "$tmp/out" "ok   $mixed/c_ok.json  (widget)"
contains "\$ref cycle: named (issue 6.15)" "$tmp/out" "ERROR $mixed/a_ok.json"
contains "\$ref cycle: config error (issue 6.15)" "$tmp/out" "config error: schema $broken/widget_detail.schema.json"
echo '{"$ref": "missing.schema.json"}' >"$broken/widget_detail.schema.json"
expect "unresolvable remote \$ref: exit 2 (issue 6.15)" 2 "$bin" validate "${sc[@]}" --schemas "$broken" --format junit "$mixed"
python3 - "$tmp/out" <<'PY' && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL junit with a broken schema (issue 6.15)"; }
import sys, xml.etree.ElementTree as ET
s = ET.parse(sys.argv[1]).getroot()
assert (s.get("tests"), s.get("failures"), s.get("errors")) == ("2", "0", "1"), s.attrib
assert s.find("testcase/error").get("type") == "config"
PY
# Drift beside a broken schema: configuration (2) outranks drift (1).
cp "$data/captures/widget/extra_key.json" "$mixed/d_extra.json"
expect "drift + broken schema: exit 2 (issue 6.15)" 2 "$bin" validate "${sc[@]}" --strict --schemas "$broken" "$mixed"
contains "drift still reported (issue 6.15)" "$tmp/out" "FAIL $mixed/d_extra.json"

# A capture too big for the memory limit: bad_alloc in a worker is that
# file's error, not std::terminate (issue 6.4).
big="$tmp/big"; mkdir -p "$big"
cp "$data/captures/detail.json" "$big/a.json"; cp "$data/captures/widget/ok.json" "$big/c.json"
truncate -s 4G "$big/b_huge.json"
if ! (ulimit -v 1048576 && "$bin" --version >/dev/null 2>&1); then
  echo "note: the binary does not start under ulimit -v (a sanitizer build reserves terabytes): out-of-memory check not run"
else
  expect "out of memory in a worker: exit 3, not 134 (issue 6.4)" 3 bash -c "ulimit -v 1048576 && exec '$bin' validate --scenarios '$data/scenarios' '$big'"
  contains "out of memory: the file's error (issue 6.4)" "$tmp/out" "ERROR $big/b_huge.json"
  contains "out of memory: says so (issue 6.4)" "$tmp/out" "out of memory"
  contains "out of memory: others checked (issue 6.4)" "$tmp/out" "ok   $big/c.json  (widget)"
fi
rm -f "$big/b_huge.json"

# ---- hostile file names (issue 6.14) ----------------------------------------------
names="$tmp/names"; mkdir -p "$names"
nl_name=$'new\nline.json'; esc_name=$'esc\e[31mred.json'; bad_name=$'bad\xff\xfe.json'
for n in "$nl_name" "$esc_name" "$bad_name"; do cp "$data/captures/widget/extra_key.json" "$names/$n"; done
expect "hostile names: text (issue 6.14)" 1 "$bin" validate "${sc[@]}" --strict "$names"
if grep -q $'\e' "$tmp/out"; then failed=$((failed + 1)); echo "FAIL raw ESC in text output (issue 6.14)"; else passed=$((passed + 1)); fi
contains "newline escaped (issue 6.14)" "$tmp/out" "FAIL $names/new\\nline.json  (widget)"
contains "ESC escaped (issue 6.14)" "$tmp/out" "FAIL $names/esc\\x1b[31mred.json  (widget)"
contains "invalid UTF-8 escaped (issue 6.14)" "$tmp/out" "FAIL $names/bad\\xff\\xfe.json  (widget)"
[[ $(grep -c '^FAIL ' "$tmp/out") == 3 ]] && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL one line per hostile name (issue 6.14)"; }
expect "hostile names: junit (issue 6.14)" 1 "$bin" validate "${sc[@]}" --strict --format junit "$names"
python3 - "$tmp/out" <<'PY' && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL junit with hostile names is not well-formed (issue 6.14)"; }
import sys, xml.etree.ElementTree as ET
raw = open(sys.argv[1], "rb").read()
raw.decode("utf-8")  # valid UTF-8
s = ET.fromstring(raw)
names = sorted(t.get("name").rsplit("/", 1)[1] for t in s.findall("testcase"))
assert names == ["bad\\xff\\xfe.json", "esc\\x1b[31mred.json", "new\\nline.json"], names
PY
expect "hostile names: json (issue 6.14)" 1 "$bin" validate "${sc[@]}" --strict --format json "$names"
python3 -c 'import json, sys; r = json.load(open(sys.argv[1])); assert r["failed"] == 3, r' "$tmp/out" \
  && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL json with hostile names (issue 6.14)"; }

# ---- the command line (issue 6.17) ----------------------------------------------------
expect "unknown subcommand: exit 2 (issue 6.17)" 2 "$bin" bogus
contains "unknown subcommand named (issue 6.17)" "$tmp/err" "fixturegen: error: unknown subcommand \`bogus\`"
grep -q "the subcommands are: .*normalize, .*validate" "$tmp/err" && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL known subcommands not listed (issue 6.17)"; cat "$tmp/err"; }
expect "misspelt subcommand: exit 2 (issue 6.17)" 2 "$bin" -q valdiate
contains "did you mean (issue 6.17)" "$tmp/err" "did you mean \`validate\`?"
expect "no subcommand: exit 2" 2 "$bin"
contains "no subcommand: says so" "$tmp/err" "subcommand is required"
expect "drift hint names fixturegen regen (issue 6.17)" 1 "$bin" validate "${sc[@]}" --strict "$data/captures"
contains "drift hint: fixturegen regen (issue 6.17)" "$tmp/err" 're-capture with `fixturegen regen` (or `just regen`)'

echo "scenario_cli: $passed passed, $failed failed"
((failed == 0))
