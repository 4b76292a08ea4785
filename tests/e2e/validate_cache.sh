#!/usr/bin/env bash
# `validate --schemas` with the compiled-schema cache, as a user runs it:
# a cold run, a warm run and a --no-cache run print the same bytes and exit
# alike, for valid and for drifted captures, in text and JSON; damaged
# entries are misses that the run mends; an unusable or disabled cache
# directory changes nothing; concurrent cold runs agree and leave no temp
# files. Uses the project's own schemas/ and fixtures_generated/.
#
# Usage: validate_cache.sh FIXTUREGEN_BINARY SOURCE_DIR
set -uo pipefail
bin=$1
root=$2
# shellcheck source=tests/e2e/lib.sh
source "$(dirname "$0")/lib.sh"
e2e_scratch validate-cache
cd "$WORK" || exit 1

cp -r "$root/fixtures_generated" caps
rm -f caps/fixturegen.lock
# One drifted capture: every number becomes a string, and a key the schema
# does not know appears.
jq 'walk(if type == "number" then "x" else . end) | .surprise_key = 1' caps/run.json >drifted.json && mv drifted.json caps/run.json

validate() {  # CACHE_DIR ARGS...: validate the copies against the project's schemas
  local cache=$1
  shift
  FIXTUREGEN_CACHE_DIR=$cache "$bin" validate --schemas "$root/schemas" "$@" caps >out.txt 2>err.txt
  rc=$?
}
entries() { find "$1" -name '*.fgprog' -type f 2>/dev/null | wc -l; }

validate "$WORK/c1"
cold_rc=$rc
cp out.txt cold.out
cp err.txt cold.err
if [[ $cold_rc -eq 1 ]] && grep -q "failed" cold.out; then pass; else fail "cold run: exit $cold_rc, expected 1 with a failure ($(tail -3 cold.out))"; fi
n=$(entries "$WORK/c1")
if [[ $n -gt 0 ]]; then pass; else fail "cold run wrote no cache entries"; fi

validate "$WORK/c1"
if [[ $rc -eq $cold_rc ]] && cmp -s out.txt cold.out && cmp -s err.txt cold.err; then pass; else
  fail "warm run differs from the cold one (exit $rc): $(diff cold.out out.txt | head -20)"
fi
if [[ $(entries "$WORK/c1") -eq $n ]]; then pass; else fail "warm run added entries"; fi

validate "$WORK/c2" --no-cache
if [[ $rc -eq $cold_rc ]] && cmp -s out.txt cold.out && cmp -s err.txt cold.err; then pass; else
  fail "--no-cache run differs from the cached one: $(diff cold.out out.txt | head -20)"
fi
if [[ ! -e $WORK/c2 ]]; then pass; else fail "--no-cache created $WORK/c2"; fi

validate "$WORK/c1" --format json --strict
cp out.txt warm.json
validate "$WORK/c3" --format json --strict --no-cache
if cmp -s out.txt warm.json && jq -e '.failed >= 1' warm.json >/dev/null; then pass; else
  fail "JSON report from cached programs differs: $(diff warm.json out.txt | head -20)"
fi

# Damage every entry (cut in half): misses, said with --verbose, same report.
while IFS= read -r entry; do
  head -c $(($(stat -c %s "$entry") / 2)) "$entry" >cut && mv cut "$entry"
done < <(find "$WORK/c1" -name '*.fgprog' -type f)
validate "$WORK/c1" --verbose
if [[ $rc -eq $cold_rc ]] && cmp -s out.txt cold.out; then pass; else fail "damaged entries changed the report: $(diff cold.out out.txt | head)"; fi
expect_contains err.txt "compiled-schema cache: ignoring" "a damaged entry is named with --verbose"
validate "$WORK/c1"
if cmp -s err.txt cold.err && cmp -s out.txt cold.out; then pass; else fail "the run after the damage was not mended: $(head -5 err.txt)"; fi
validate "$WORK/c1" --verbose
expect_not_contains err.txt "compiled-schema cache: ignoring" "the damaged entries were rewritten"

# A cache directory that cannot be created, or none at all: same report.
echo "a file" >afile
validate "$WORK/afile/cache"
if [[ $rc -eq $cold_rc ]] && cmp -s out.txt cold.out && cmp -s err.txt cold.err; then pass; else fail "an unusable cache directory changed the run: $(head -5 err.txt)"; fi
validate off
if [[ $rc -eq $cold_rc ]] && cmp -s out.txt cold.out && [[ ! -e off ]]; then pass; else fail "FIXTUREGEN_CACHE_DIR=off changed the run or made ./off"; fi

# Four cold runs at once on one empty cache: all agree, no temp file left.
for i in 1 2 3 4; do
  FIXTUREGEN_CACHE_DIR=$WORK/c4 "$bin" validate --schemas "$root/schemas" caps >"par$i.out" 2>"par$i.err" &
done
wait
same=1
for i in 1 2 3 4; do cmp -s "par$i.out" cold.out || same=0; done
if [[ $same -eq 1 ]]; then pass; else fail "concurrent cold runs disagree"; fi
if [[ -z $(find "$WORK/c4" -name '*.tmp-*') && $(entries "$WORK/c4") -eq $n ]]; then pass; else
  fail "concurrent runs left temp files or a different number of entries: $(find "$WORK/c4" | head)"
fi

echo "$checks passed, $failures failed"
[[ $failures -eq 0 ]]
