#!/usr/bin/env bash
# Runs every fuzz target for SECONDS each (docs/reliability.md). The seed
# corpora are rebuilt from the project's files and ../shared (make_corpus.sh);
# what libFuzzer learns accumulates in BUILD_DIR/corpus/<target>/ across runs.
# A finding (crash, leak, UB, failed property, timeout, memory over the
# limit) is saved as BUILD_DIR/findings/<target>/crash-* etc. and makes the
# run fail; turn each into a regression input under
# tests/data/fuzz-regressions/<target>/ once fixed.
# Usage: run.sh SECONDS BUILD_DIR SOURCE_DIR [TARGET...]
set -uo pipefail
seconds=${1:?seconds}; build=${2:?build dir}; src=${3:?source dir}
shift 3
targets=("$@")
if ((${#targets[@]} == 0)); then targets=(json_normalize schema_validate project_config rules_file scenario); fi
mkdir -p "$build"
seeds=$(mktemp -d "$build/corpus-seeds.XXXXXX")  # one per run: runs may go in parallel
trap 'rm -rf "$seeds"' EXIT
bash "$src/fuzz/make_corpus.sh" "$src" "$seeds" || exit 2
# A finding must stop the run: UBSan aborts instead of printing and going on.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
status=0
for target in "${targets[@]}"; do
  mkdir -p "$build/corpus/$target" "$build/findings/$target"
  log="$build/findings/$target.log"
  echo "fuzz_$target: ${seconds} s" >&2
  # -timeout: one input taking longer is a hang; -rss_limit_mb: more memory
  # is a finding (bounded memory). Inputs grow up to the largest seed.
  "$build/fuzz/fuzz_$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$build/findings/$target/" \
    "$build/corpus/$target" "$seeds/$target" >"$log" 2>&1
  rc=$?
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || true)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 || true)
  if ((rc != 0)); then
    status=1
    echo "FINDING in fuzz_$target (exit $rc): $(ls "$build/findings/$target")" >&2
    grep -m1 -A30 -E 'ERROR:|runtime error|property failed|Timeout|out-of-memory' "$log" >&2 || tail -40 "$log" >&2
  else
    echo "fuzz_$target: ${runs:-?} inputs in ${seconds} s, ${cov:-cov: ?}, no finding" >&2
  fi
done
exit $status
