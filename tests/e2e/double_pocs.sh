#!/usr/bin/env bash
# End-to-end: rocky-double against all nine POCs, step by step as each
# capture.toml says, produces the 40 captures of the real plan; normalized
# with the rocky-current profile they validate against the project's
# scenarios and (with FIXTUREGEN_ROCKY_REFERENCE) against the engine's own
# schemas, and carry every JSON Pointer of the real captures (shape figure).
#
# The corpus checked is the committed fixtures_generated/, after proving the
# double reproduces it byte for byte (`fixturegen regen --check`); without a
# committed corpus, a fresh `fixturegen regen` (and --check of it); without
# regen in the binary, the stop-gap tests/double/run_plan.py.
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

help=$("$fixturegen" --help 2>/dev/null)
if grep -Eq "^ +regen " <<<"$help" && [[ -f $src/fixturegen.toml && -d $src/fixtures_generated ]]; then
  # The committed corpus: the double must reproduce it byte for byte
  # (regen --check captures into a temporary dir and writes nothing).
  if (cd "$src" && "$fixturegen" regen --check -j 2 --engine "$double" --tool "duckdb=$duckdb") \
       >"$tmp/check.out" 2>"$tmp/check.err"; then
    ok "the double reproduces the committed fixtures_generated/ (regen --check)"
  else
    bad "regen --check against the committed corpus:"; tail -n 30 "$tmp/check.out" "$tmp/check.err"
  fi
  mkdir -p "$tmp/corpus" && cp -r "$src/fixtures_generated/." "$tmp/corpus/"
  rm -f "$tmp/corpus/README.md"
elif grep -Eq "^ +regen " <<<"$help"; then
  # fixturegen regen: the POCs copied beside a fixturegen.toml that names the
  # double as the engine; captures are normalized in process (rocky-current).
  mkdir -p "$tmp/project" && cp -r "$src/pocs" "$tmp/project/"
  {
    echo 'output = "corpus"'
    echo 'pocs = ['
    for p in "${pocs[@]}"; do echo "  \"$p\","; done
    echo ']'
    printf '\n[engine]\ncommand = "%s"\n\n[tools]\nduckdb = "%s"\n\n[normalize]\nprofile = "rocky-current"\n' "$double" "$duckdb"
  } >"$tmp/project/fixturegen.toml"
  if (cd "$tmp/project" && "$fixturegen" regen -j 2) >"$tmp/regen.out" 2>"$tmp/regen.err"; then
    ok "fixturegen regen: $(grep 'regen:' "$tmp/regen.err" | tail -n 1 | sed 's/^fixturegen: //')"
  else
    bad "fixturegen regen failed:"; tail -n 30 "$tmp/regen.err"
  fi
  if (cd "$tmp/project" && "$fixturegen" regen --check -j 2) >"$tmp/check.out" 2>"$tmp/check.err"; then
    ok "a second capture equals the first (regen --check)"
  else
    bad "regen --check: the double is not deterministic after normalization:"; tail -n 30 "$tmp/check.out" "$tmp/check.err"
  fi
  mv "$tmp/project/corpus" "$tmp/corpus"
else
  # STOP-GAP until regen is in this tree: the same plan run by a small script.
  if python3 "$src/tests/double/run_plan.py" --engine "$double" --tool "duckdb=$duckdb" --out "$tmp/corpus" \
       "${pocs[@]/#/$src/}" 2>"$tmp/plan.err"; then
    ok "every step of every POC (stop-gap runner)"
  else
    bad "a step failed:"; cat "$tmp/plan.err"
  fi
  "$fixturegen" normalize --in-place --profile rocky-current $(find "$tmp/corpus" -name '*.json') 2>"$tmp/norm.err" \
    && ok "captures normalize (rocky-current)" || { bad "normalize"; cat "$tmp/norm.err"; }
fi
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
