#!/usr/bin/env bash
# End-to-end: `fixturegen validate` names FILE:LINE:COLUMN of each offending
# value in its three report formats (text, json, junit). Columns count code
# points: the second violation stands after three multi-byte characters on
# its line (column 39; bytes would say 45).
# Usage: validate_positions.sh FIXTUREGEN_BINARY SOURCE_DIR
set -uo pipefail
BIN=${1:?binary}; SRC=${2:?source dir}
source "$(dirname "$0")/lib.sh"
e2e_scratch validate-positions
cd "$WORK" || exit 1
sc=(--scenarios "$SRC/tests/data/scenarios")

mkdir -p caps
cat >caps/bad.json <<'JSON'
{
  "command": "widget",
  "status": "ok",
  "count": -2,
  "ratio": 0.5,
  "created_at": null,
  "labels": {},
  "extra": {},
  "parts": [{"name": "ü€😀", "weight": "heavy"}],
  "tags": [],
  "maybe": null,
  "surprise": {"a": 1}
}
JSON
cp "$SRC/tests/data/captures/widget/ok.json" caps/ok.json

# ---- text: "FILE:LINE:COLUMN: POINTER: MESSAGE", warnings as "FILE:L:C: warning: ..."
expect_rc 1 "text report" "$BIN" validate "${sc[@]}" caps
expect_contains out.txt "  caps/bad.json:4:12: /count: " "text: /count located"
expect_contains out.txt "  caps/bad.json:9:39: /parts/0/weight: expected number" "text: column in code points"
expect_contains out.txt "  caps/bad.json:12:15: warning: /surprise: " "text: warning located"
expect_contains out.txt "ok   caps/ok.json  (widget)" "text: the valid capture"
expect_not_contains out.txt "caps/ok.json:" "text: nothing located in a valid capture"

# ---- json: "line" and "column" beside each pointer
expect_rc 1 "json report" "$BIN" validate "${sc[@]}" --format json caps
if python3 - out.txt <<'PY' 2>py.txt; then pass; else fail "json positions: $(cat py.txt)"; fi
import json, sys
r = json.load(open(sys.argv[1]))
bad = r["files"][0]
assert bad["path"] == "caps/bad.json", bad
by_pointer = {e["pointer"]: (e["line"], e["column"]) for e in bad["errors"]}
assert by_pointer["/count"] == (4, 12), by_pointer
assert by_pointer["/parts/0/weight"] == (9, 39), by_pointer
warning = bad["warnings"][0]
assert (warning["pointer"], warning["line"], warning["column"]) == ("/surprise", 12, 15), warning
PY

# ---- junit: the location in the failure's message and in its body
expect_rc 1 "junit report" "$BIN" validate "${sc[@]}" --strict --format junit caps
if python3 - out.txt <<'PY' 2>py.txt; then pass; else fail "junit positions: $(cat py.txt)"; fi
import sys, xml.etree.ElementTree as ET
suite = ET.parse(sys.argv[1]).getroot()
failures = suite.findall("testcase/failure")
assert len(failures) == 1, ET.tostring(suite)
message, body = failures[0].get("message"), failures[0].text
assert message.startswith("caps/bad.json:4:12: /count: "), message
assert "caps/bad.json:9:39: /parts/0/weight: expected number" in body, body
assert "caps/bad.json:12:15: /surprise: " in body, body  # --strict: an error
PY

# ---- an unparsable capture keeps the parser's own location, once
printf '{"command": "widget",\n  "count": }\n' >caps/broken.json
expect_rc 1 "broken capture" "$BIN" validate "${sc[@]}" caps/broken.json
expect_contains out.txt "  caps/broken.json:2:" "parse error located by the parser"

echo "validate_positions: $checks checks passed, $failures failed"
[[ $failures -eq 0 ]]
