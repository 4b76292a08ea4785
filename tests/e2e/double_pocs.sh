#!/usr/bin/env bash
# End-to-end: rocky-double against all nine POCs, step by step as each
# capture.toml says, produces the 40 captures of the real plan; normalized
# with the rocky-current profile they validate against the project's
# scenarios and (with FIXTUREGEN_ROCKY_REFERENCE) against the engine's own
# schemas, and carry every JSON Pointer of the real captures (shape figure).
#
# The corpus checked is the committed fixtures_generated/, after proving the
# double reproduces it byte for byte (`fixturegen regen --check`).
# Usage: double_pocs.sh ROCKY_DOUBLE DUCKDB FIXTUREGEN SHAPE_COMPARE SOURCE_DIR
set -uo pipefail
double=$(realpath "${1:?}"); duckdb=$(realpath "${2:?}"); fixturegen=$(realpath "${3:?}"); shape=$(realpath "${4:?}"); src=$(realpath "${5:?}")
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
passed=0; failed=0
ok() { passed=$((passed + 1)); echo "ok   $1"; }
bad() { failed=$((failed + 1)); echo "FAIL $1"; }

mapfile -t pocs < <(cd "$src" && ls -d pocs/*/*/ | sed 's|/$||' | sort)
if ((${#pocs[@]} == 9)); then ok "nine POCs"; else bad "expected 9 POCs, found ${#pocs[@]}"; fi
# The POC directories must be left as they were.
before=$(cd "$src/pocs" && find . -type f -exec sha256sum {} + | sort)

# The committed corpus: the double must reproduce it byte for byte
# (regen --check captures into a temporary dir and writes nothing). That a
# fresh capture in a scratch copy equals it is regen_corpus.sh's part.
if [[ -f $src/fixturegen.toml && -d $src/fixtures_generated ]]; then ok "a committed corpus"; else bad "no fixturegen.toml or fixtures_generated/ in $src"; fi
if (cd "$src" && "$fixturegen" regen --check -j 2 --engine "$double" --tool "duckdb=$duckdb") \
     >"$tmp/check.out" 2>"$tmp/check.err"; then
  ok "the double reproduces the committed fixtures_generated/ (regen --check)"
else
  bad "regen --check against the committed corpus:"; tail -n 30 "$tmp/check.out" "$tmp/check.err"
fi
mkdir -p "$tmp/corpus" && cp -r "$src/fixtures_generated/." "$tmp/corpus/"
rm -f "$tmp/corpus/README.md"
count=$(find "$tmp/corpus" -name '*.json' | wc -l)
if [[ $count == 40 ]]; then ok "40 captures"; else bad "expected 40 captures, got $count"; fi
after=$(cd "$src/pocs" && find . -type f -exec sha256sum {} + | sort)
if [[ $before == "$after" ]]; then ok "POC directories unchanged"; else bad "a POC directory changed"; fi

out=$(cd "$src" && "$fixturegen" validate "$tmp/corpus" 2>&1)
[[ $(tail -n 1 <<<"$out") == "40 passed, 0 failed" ]] && ok "validate against scenarios: $(tail -n 1 <<<"$out")" \
  || { bad "validate against scenarios"; grep -v '^ok ' <<<"$out" | head -40; }

ref=${FIXTUREGEN_ROCKY_REFERENCE:-}
if [[ -z $ref ]]; then
  echo "double_pocs: $passed passed, $failed failed"
  ((failed == 0)) || exit 1
  echo "skipped: the engine-schema and shape checks need FIXTUREGEN_ROCKY_REFERENCE (.ci/run sets it to ../shared/rocky-reference)"
  exit 77
fi
[[ -d $ref/schemas && -d $ref/fixtures_generated ]] || { echo "FIXTUREGEN_ROCKY_REFERENCE=$ref lacks schemas/ or fixtures_generated/"; exit 1; }
diff <(cd "$tmp/corpus" && find . -name '*.json' | sort) <(cd "$ref/fixtures_generated" && find . -name '*.json' | sort) \
  >"$tmp/names.diff" && ok "the same 40 capture names as the real plan" || { bad "capture names differ"; cat "$tmp/names.diff"; }
out=$(cd "$tmp" && "$fixturegen" validate --schemas "$ref/schemas" "$tmp/corpus" 2>&1)
[[ $(tail -n 1 <<<"$out") == "40 passed, 0 failed" ]] && ok "validate against the engine's schemas: $(tail -n 1 <<<"$out")" \
  || { bad "validate against the engine's schemas"; grep -v '^ok ' <<<"$out" | head -40; }
"$shape" "$tmp/corpus" "$ref/fixtures_generated" >"$tmp/shape.out"; rc=$?
grep -v '^ok \|^    extra' "$tmp/shape.out" | head -60
[[ $rc == 0 ]] && ok "$(tail -n 1 "$tmp/shape.out")" || bad "$(tail -n 1 "$tmp/shape.out")"

echo "double_pocs: $passed passed, $failed failed"
((failed == 0))
