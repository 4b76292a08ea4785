#!/usr/bin/env bash
# End-to-end: what `fixturegen validate --schemas` decides and what it must
# not (issue 6): long strings against a repeated group are matched, a
# pattern PCRE2 gives up on is a configuration error (2), not drift (1);
# each schema file's $schema picks its draft; duplicate keys are refused.
# Usage: validate_decisions.sh FIXTUREGEN_BINARY
set -uo pipefail
bin=$(realpath "${1:?binary}")
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
passed=0; failed=0

expect() {
  local name=$1 want=$2; shift 2
  "$@" >"$tmp/out" 2>"$tmp/err"; local rc=$?
  if [[ $rc == "$want" ]]; then passed=$((passed + 1)); else
    failed=$((failed + 1)); echo "FAIL $name: exit $rc, wanted $want"; sed 's/^/  out: /' "$tmp/out" | head -20; sed 's/^/  err: /' "$tmp/err" | head -20
  fi
}
contains() {
  if grep -qF -- "$3" "$2"; then passed=$((passed + 1)); else
    failed=$((failed + 1)); echo "FAIL $1: $2 lacks: $3"; sed 's/^/  | /' "$2" | head -20
  fi
}

mkdir -p "$tmp/schemas" "$tmp/caps"
cd "$tmp" || exit 1

# 6.2: 3,000 'a' against ^(a|b)*$ is valid (the JIT stack ran out: "invalid").
echo '{"properties": {"x": {"type": "string", "pattern": "^(a|b)*$"}}}' >schemas/run.schema.json
printf '{"command": "run", "x": "%s"}\n' "$(printf 'a%.0s' $(seq 3000))" >caps/long.json
expect "long string matches a repeated group" 0 "$bin" validate --schemas schemas caps
contains "long string is ok" out "1 passed, 0 failed"

# 6.2: catastrophic backtracking cannot be decided: an error (2), not a failure (1).
echo '{"properties": {"x": {"type": "string", "pattern": "(a+)+$"}}}' >schemas/run.schema.json
printf '{"command": "run", "x": "%sb"}\n' "$(printf 'a%.0s' $(seq 40))" >caps/long.json
expect "undecidable pattern is a config error" 2 "$bin" validate --schemas schemas caps
contains "undecidable pattern names the pointer" out "cannot validate /x"
contains "undecidable pattern says why" out "cannot be decided"

# 6.16: the file's $schema picks the draft (2020-12 here: items false after prefixItems).
echo '{"$schema": "https://json-schema.org/draft/2020-12/schema", "properties": {"steps": {"prefixItems": [{"type": "integer"}], "items": false}}}' >schemas/run.schema.json
echo '{"command": "run", "steps": [1]}' >caps/long.json
expect "2020-12 schema read as 2020-12" 0 "$bin" validate --schemas schemas caps
echo '{"command": "run", "steps": [1, 2]}' >caps/long.json
expect "2020-12 items false" 1 "$bin" validate --schemas schemas caps
echo '{"$schema": "http://json-schema.org/draft-04/schema#", "type": "object"}' >schemas/run.schema.json
expect "unknown \$schema is a config error" 2 "$bin" validate --schemas schemas caps
contains "unknown \$schema names the file" out "run.schema.json"

# 6.1: a duplicate key after deeper objects with escaped keys is refused.
printf '{"\\u0061": {"\\u0062": {"\\u0063": {"\\u0064": {"\\u0065": 1}}}}, "a": 1}' >dup.json
expect "duplicate key refused" 1 "$bin" normalize dup.json
contains "duplicate key named" err 'duplicate key "a"'

echo "validate_decisions: $passed passed, $failed failed"
[[ $failed == 0 ]]
