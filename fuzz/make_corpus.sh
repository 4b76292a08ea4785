#!/usr/bin/env bash
# Builds the seed corpora of the fuzz targets in OUT_DIR/<target>/ from the
# project's own files and, when set, the reference data
# ($FIXTUREGEN_ROCKY_REFERENCE: real captures and the engine's schemas;
# $FIXTUREGEN_JSON_SCHEMA_TEST_SUITE: the official test suite's schemas and
# instances). Nothing from ../shared is copied into the repository: the
# corpora live in the build folder and are rebuilt on every run.
# Usage: make_corpus.sh SOURCE_DIR OUT_DIR
set -euo pipefail
src=${1:?source dir}; out=${2:?output dir}
for target in json_normalize schema_validate project_config rules_file scenario; do
  mkdir -p "$out/$target"
done
n=0
next_seed() {  # TARGET: $seed names a new seed file (no subshell: the count must last)
  n=$((n + 1))
  seed="$out/$1/seed-$n"
}
ref=${FIXTUREGEN_ROCKY_REFERENCE:-}
suite=${FIXTUREGEN_JSON_SCHEMA_TEST_SUITE:-}

# json_normalize: every capture and scenario, the project's and the engine's.
captures=()
while IFS= read -r -d '' f; do captures+=("$f"); done < <(
  find "$src/fixtures_generated" "$src/tests/data/captures" "$src/tests/data/captures_bad" \
       ${ref:+"$ref/fixtures_generated"} -name '*.json' -type f -print0 2>/dev/null | LC_ALL=C sort -z)
for f in "${captures[@]}" "$src"/scenarios/*.json; do next_seed json_normalize; cp "$f" "$seed"; done

# schema_validate: SCHEMA NUL INSTANCE. Each schema with a few captures; the
# test suite's cases with their instances.
schemas=("$src"/schemas/*.json)
if [[ -n $ref ]]; then schemas+=("$ref"/schemas/*.json); fi
i=0
for s in "${schemas[@]}"; do
  for k in 0 1 2; do
    c=${captures[$(( (i * 3 + k) % ${#captures[@]} ))]}
    next_seed schema_validate
    { cat "$s"; printf '\0'; cat "$c"; } >"$seed"
  done
  i=$((i + 1))
done
if [[ -n $suite ]]; then
  find "$suite/tests/draft7" "$suite/tests/draft2020-12" -maxdepth 1 -name '*.json' -print0 |
    LC_ALL=C sort -z | xargs -0 jq -r '.[] | .schema as $s | .tests[] | "\($s | tojson)\t\(.data | tojson)"' >"$out/suite.tsv"
  # Compact JSON never holds a raw tab, so the tab splits schema from instance.
  while IFS=$'\t' read -r schema instance; do
    next_seed schema_validate
    printf '%s\0%s' "$schema" "$instance" >"$seed"
  done <"$out/suite.tsv"
  rm -f "$out/suite.tsv"
fi

# project_config: first byte 0 = fixturegen.toml, 1 = capture.toml.
next_seed project_config
{ printf '\0'; cat "$src/fixturegen.toml"; } >"$seed"
while IFS= read -r -d '' f; do
  next_seed project_config
  { printf '\1'; cat "$f"; } >"$seed"
done < <(find "$src/pocs" -name capture.toml -print0 | LC_ALL=C sort -z)

# rules_file: the examples in docs/normalize-rules.md (```toml blocks).
awk '/^```toml/{on=1; f=sprintf("%s/rules_file/doc-%03d", out, ++k); next} /^```/{on=0; next} on{print > f}' \
  out="$out" "$src/docs/normalize-rules.md"

# scenario: FILE_STEM NEWLINE JSON.
for f in "$src"/scenarios/*.json "$src"/tests/data/scenarios/*.json; do
  [[ -f $f ]] || continue
  next_seed scenario
  { basename "$f" .json; cat "$f"; } >"$seed"
done

for target in json_normalize schema_validate project_config rules_file scenario; do
  echo "$target: $(find "$out/$target" -type f | wc -l) seeds" >&2
done
