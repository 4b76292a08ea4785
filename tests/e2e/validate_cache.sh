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
# The project's schemas, copied and left alone for 2 s: from here on they
# are "settled", so every run below records them by identity as well, the
# same way however recently the repository was checked out.
cp -r "$root/schemas" schemas
sleep 2.2
rm -f caps/fixturegen.lock
# One drifted capture: every number becomes a string, and a key the schema
# does not know appears.
jq 'walk(if type == "number" then "x" else . end) | .surprise_key = 1' caps/run.json >drifted.json && mv drifted.json caps/run.json

validate() {  # CACHE_DIR ARGS...: validate the copies against the project's schemas
  local cache=$1
  shift
  FIXTUREGEN_CACHE_DIR=$cache "$bin" validate --schemas "$WORK/schemas" "$@" caps >out.txt 2>err.txt
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

# Every entry replaced by a FIFO: misses, not a wait for a writer that
# never comes (timeout ends a hung run with 124).
while IFS= read -r entry; do
  rm -f "$entry" && mkfifo "$entry"
done < <(find "$WORK/c1" -name '*.fgprog' -type f)
FIXTUREGEN_CACHE_DIR=$WORK/c1 timeout -k 5 60 "$bin" validate --schemas "$WORK/schemas" caps >out.txt 2>err.txt
rc=$?
if [[ $rc -eq $cold_rc ]] && cmp -s out.txt cold.out; then pass; else fail "FIFO entries: exit $rc (124 = hung), $(head -3 err.txt)"; fi
if [[ -z $(find "$WORK/c1" -type p) ]]; then pass; else fail "FIFO entries were not replaced by real ones"; fi

# A cache directory that cannot be created, or none at all: same report.
echo "a file" >afile
validate "$WORK/afile/cache"
if [[ $rc -eq $cold_rc ]] && cmp -s out.txt cold.out && cmp -s err.txt cold.err; then pass; else fail "an unusable cache directory changed the run: $(head -5 err.txt)"; fi
validate off
if [[ $rc -eq $cold_rc ]] && cmp -s out.txt cold.out && [[ ! -e off ]]; then pass; else fail "FIXTUREGEN_CACHE_DIR=off changed the run or made ./off"; fi

# Four cold runs at once on one empty cache: all agree, no temp file left.
for i in 1 2 3 4; do
  FIXTUREGEN_CACHE_DIR=$WORK/c4 "$bin" validate --schemas "$WORK/schemas" caps >"par$i.out" 2>"par$i.err" &
done
wait
same=1
for i in 1 2 3 4; do cmp -s "par$i.out" cold.out || same=0; done
if [[ $same -eq 1 ]]; then pass; else fail "concurrent cold runs disagree"; fi
if [[ -z $(find "$WORK/c4" -name '*.tmp-*') && $(entries "$WORK/c4") -eq $n ]]; then pass; else
  fail "concurrent runs left temp files or a different number of entries: $(find "$WORK/c4" | head)"
fi

# Eight cold runs at once on one empty cache, each with 200 captures (the
# thread-pool path: several threads load and store entries at once), one
# of them drifted: all print the --no-cache report, no temp file is left.
mkdir many
for i in 1 2 3 4 5; do cp -r caps "many/$i"; done
"$bin" validate --no-cache --schemas "$WORK/schemas" many >many.ref 2>many.ref.err
many_rc=$?
for i in 1 2 3 4 5 6 7 8; do
  FIXTUREGEN_CACHE_DIR=$WORK/c5 "$bin" validate --schemas "$WORK/schemas" many >"many$i.out" 2>"many$i.err" &
done
wait
same=1
for i in 1 2 3 4 5 6 7 8; do cmp -s "many$i.out" many.ref && cmp -s "many$i.err" many.ref.err || same=0; done
if [[ $many_rc -eq 1 && $same -eq 1 ]]; then pass; else fail "eight concurrent cold runs (200 captures each) disagree with --no-cache (exit $many_rc)"; fi
if [[ -z $(find "$WORK/c5" -name '*.tmp-*') && $(entries "$WORK/c5") -eq $n ]]; then pass; else
  fail "eight concurrent runs left temp files or a different number of entries"
fi

# A schema file unchanged for 2 s is found again by its identity (device,
# inode, size, times) without its text being read; an edit in place that
# keeps its size and modification time is still seen (the change time moves).
cp -r "$root/schemas" settled
# Just copied: only the texts' entries (k), none by identity yet.
FIXTUREGEN_CACHE_DIR=$WORK/c6 "$bin" validate --schemas settled caps >/dev/null 2>&1
k=$(entries "$WORK/c6")
sleep 2.2
FIXTUREGEN_CACHE_DIR=$WORK/c7 "$bin" validate --schemas settled caps >s1.out 2>&1
FIXTUREGEN_CACHE_DIR=$WORK/c7 "$bin" validate --schemas settled caps >s2.out 2>&1
if [[ $k -gt 0 ]] && cmp -s s1.out s2.out && [[ $(entries "$WORK/c7") -eq $((2 * k)) ]]; then pass; else
  fail "settled schemas: the second run differs, or not one entry per text and one per file ($(entries "$WORK/c7") for $k texts): $(diff s1.out s2.out | head -5)"
fi
schema=$(grep -l '"type": "object"' settled/*.schema.json | head -1)
stamp=$(stat -c %y "$schema")
inode=$(stat -c %s:%i "$schema")
# Written in place (1<> neither truncates nor replaces the file), same size.
edited=$(sed '0,/"type": "object"/s//"type": "string"/' "$schema")
printf '%s\n' "$edited" 1<>"$schema"
touch -d "$stamp" "$schema"
if [[ $(stat -c %s:%i "$schema") == "$inode" && $(stat -c %y "$schema") == "$stamp" ]]; then pass; else
  fail "the in-place edit changed the file's size, inode or mtime: $(stat -c '%s:%i %y' "$schema") vs $inode $stamp"
fi
FIXTUREGEN_CACHE_DIR=$WORK/c7 "$bin" validate --schemas settled caps >s3.out 2>&1
s3_rc=$?
FIXTUREGEN_CACHE_DIR=off "$bin" validate --schemas settled caps >s4.out 2>&1
if cmp -s s3.out s4.out && ! cmp -s s3.out s1.out; then pass; else
  fail "an edit in place (same size, same mtime) was not seen (exit $s3_rc): $(diff s4.out s3.out | head -5)"
fi

echo "$checks passed, $failures failed"
[[ $failures -eq 0 ]]
