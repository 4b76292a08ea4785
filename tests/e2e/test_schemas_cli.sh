#!/usr/bin/env bash
# End-to-end: what `fixturegen schemas` may write and remove in --out (issue
# 6.8). It removes only files its own manifest (.fixturegen-schemas.manifest)
# says it wrote, refuses a directory of schema files it did not write, and
# keeps `--check` honest about the manifest. Uses the project's scenarios/.
set -u

BIN="${FIXTUREGEN_BINARY:-}"
SRC="${FIXTUREGEN_SOURCE_DIR:-}"
if [[ -z "$BIN" || ! -x "$BIN" || -z "$SRC" || ! -d "$SRC/scenarios" ]]; then
  echo "FIXTUREGEN_BINARY and FIXTUREGEN_SOURCE_DIR must name the built binary and the source tree" >&2
  exit 1
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/fixturegen-e2e-schemas.XXXXXX")"
failures=0
checks=0
cleanup() {
  if [[ $failures -eq 0 ]]; then rm -rf "$WORK"; else echo "scratch directory kept: $WORK" >&2; fi
}
trap cleanup EXIT
cd "$WORK" || exit 1

fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
pass() { checks=$((checks + 1)); }
expect_rc() {  # CODE DESCRIPTION CMD...
  local want="$1" what="$2"
  shift 2
  "$@" >out.txt 2>err.txt
  rc=$?
  if [[ "$rc" -ne "$want" ]]; then fail "$what: exit $rc, expected $want (stderr: $(head -c 600 err.txt))"; else pass; fi
}
expect_contains() {  # FILE TEXT DESCRIPTION
  if grep -qF -- "$2" "$1"; then pass; else fail "$3: '$2' not in $1: $(head -c 600 "$1")"; fi
}
schemas() { "$BIN" schemas --scenarios "$SRC/scenarios" "$@"; }
MANIFEST=.fixturegen-schemas.manifest
n_scenarios=$(find "$SRC/scenarios" -maxdepth 1 -name '*.json' | wc -l)

# --- someone else's schemas: refused, nothing touched (issue 6.8) --------------------
# Like the engine's published schemas: 5 of our names plus 20 others, no manifest.
mkdir engine
cp "$SRC"/schemas/*.schema.json engine/
for i in $(seq 1 20); do echo "{\"title\": \"engine $i\"}" >"engine/engine_type_$i.schema.json"; done
echo '{"changed": "by the engine"}' >engine/run.schema.json
before=$(cd engine && md5sum ./* | sort)
expect_rc 2 "--out a directory of schemas it did not write (issue 6.8)" schemas --out engine
expect_contains err.txt "did not write" "the refusal says why"
expect_contains err.txt "hint:" "the refusal says what to do"
[[ "$(cd engine && md5sum ./* | sort)" == "$before" ]] && pass || fail "the refused directory changed"
[[ ! -e engine/$MANIFEST ]] && pass || fail "the refused directory got a manifest"

# --- a new directory: every schema plus the manifest --------------------------------
expect_rc 0 "--out a new directory" schemas --out fresh
[[ $(find fresh -name '*.schema.json' | wc -l) -eq $n_scenarios ]] && pass || fail "fresh: expected $n_scenarios schemas"
[[ $(grep -vc '^#' "fresh/$MANIFEST") -eq $n_scenarios ]] && pass || fail "fresh: the manifest does not list $n_scenarios files: $(cat "fresh/$MANIFEST")"
expect_rc 0 "--check on what it wrote" schemas --out fresh --check

# An empty existing directory is fine too.
mkdir empty
expect_rc 0 "--out an empty directory" schemas --out empty

# --- only what the manifest lists is removed -------------------------------------------
echo '{}' >fresh/gone.schema.json     # written by an earlier run, its scenario since deleted
echo gone.schema.json >>"fresh/$MANIFEST"
echo '{}' >fresh/foreign.schema.json  # put there by someone else
expect_rc 1 "--check names the owned stale file" schemas --out fresh --check
expect_contains err.txt "extra:   fresh/gone.schema.json" "--check: the owned extra"
if grep -q foreign err.txt; then fail "--check blames a file it does not own: $(cat err.txt)"; else pass; fi
expect_rc 0 "rerun with an owned stale file and a foreign one" schemas --out fresh
[[ ! -e fresh/gone.schema.json ]] && pass || fail "the stale file its manifest lists was kept"
[[ -e fresh/foreign.schema.json ]] && pass || fail "a file it did not write was removed"
expect_contains err.txt "1 removed" "the summary counts the removal"
expect_contains err.txt "kept fresh/foreign.schema.json" "the foreign file is named"
if grep -q gone "fresh/$MANIFEST"; then fail "the manifest still lists the removed file"; else pass; fi
expect_rc 0 "--check after the repair" schemas --out fresh --check

# A manifest naming a path outside the directory is refused: nothing removed.
echo 'keep' >outside.schema.json
echo '../outside.schema.json' >>"fresh/$MANIFEST"
expect_rc 2 "a manifest naming a path" schemas --out fresh
expect_contains err.txt "$MANIFEST:" "the bad manifest line is located"
[[ -e outside.schema.json ]] && pass || fail "a manifest entry removed a file outside --out"
rm "fresh/$MANIFEST"
expect_rc 1 "--check without a manifest" schemas --out fresh --check
expect_contains err.txt "missing: fresh/$MANIFEST" "--check names the missing manifest"

# --- the project's own schemas/ without a manifest is adopted ----------------------------
mkdir project && cp -r "$SRC/schemas" project/schemas && rm -f "project/schemas/$MANIFEST"
echo '{}' >project/schemas/handmade.schema.json
(cd project && "$BIN" schemas --scenarios "$SRC/scenarios") >out.txt 2>err.txt; rc=$?
[[ $rc -eq 0 ]] && pass || fail "the default schemas/ without a manifest: exit $rc: $(cat err.txt)"
[[ -e project/schemas/$MANIFEST && -e project/schemas/handmade.schema.json ]] && pass || fail "default schemas/: manifest written, handmade file kept"

echo "e2e-schemas: $checks checks passed, $failures failed"
[[ $failures -eq 0 ]]
