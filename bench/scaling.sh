#!/usr/bin/env bash
# How cost grows with the work, for docs/performance.md; markdown on stdout,
# progress on stderr. Medians of RUNS runs (default 3) unless a row says so.
#   normalize: one generated run capture of 1, 10 and 100 MB
#              (bench/make_big_capture), fixturegen vs one Python process.
#   validate:  the 40 reference captures, and copies of them to 1,000 and
#              10,000, fixturegen vs Python jsonschema (one process each).
#   regen:     the first 1, 4 and all 9 POCs of the plan, -j 1 and -j 2, and
#              the serial shell loop (bench/regen_bench.sh with POCS=N).
# Everything generated lives in a temp dir (removed at exit), never in the repo.
#
# Usage: bench/scaling.sh   (build first; `just bench-scaling`)
#   FIXTUREGEN_BINARY, FIXTUREGEN_ROCKY_REFERENCE, PYTHON, RUNS,
#   SIZES_MB (default "1 10 100"), CAPTURES (default "40 1000 10000"),
#   POC_COUNTS (default "1 4 9"), PY_BIG_RUNS (Python runs on 10,000 captures, default 1)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
# shellcheck source=bench/lib.sh
source "$here/lib.sh"
bin=$(realpath "${FIXTUREGEN_BINARY:-$root/build/fixturegen}")
maker=${MAKE_BIG_CAPTURE:-$(dirname "$bin")/bench/make_big_capture}
ref=$(realpath "${FIXTUREGEN_ROCKY_REFERENCE:-$root/../shared/rocky-reference}")
python=$("${PYTHON:-python3}" -c 'import sys; print(sys.executable)')
runs=${RUNS:-3}
py_big_runs=${PY_BIG_RUNS:-1}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fixturegen-scaling.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
[[ -x $maker ]] || { echo "scaling: no make_big_capture at $maker (build first)" >&2; exit 2; }

# median_wall_ms N CMD...: median wall time of N runs of CMD (output discarded).
median_wall_ms() {
  local n=$1 times=() start
  shift
  for ((i = 0; i < n; i++)); do
    now_us; start=$REPLY
    "$@" >/dev/null 2>"$tmp/err" || [[ $? -eq 1 ]] || { echo "scaling: failed: $*" >&2; cat "$tmp/err" >&2; exit 1; }
    now_us; times+=($((REPLY - start)))
  done
  printf '%s\n' "${times[@]}" | median | awk '{printf "%.1f", $1 / 1000}'
}

echo "- load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo

# ---- normalize -----------------------------------------------------------------
echo "### normalize: one capture, fixturegen vs one Python process (median of $runs)"
echo
echo "| size | fixturegen | MiB/s | peak RSS | Python | MiB/s | peak RSS | ratio |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
for mb in ${SIZES_MB:-1 10 100}; do
  echo "scaling: normalize $mb MB" >&2
  "$maker" "$tmp/big.json" "$mb" 1 >/dev/null
  mib_in=$(awk -v b="$(stat -c %s "$tmp/big.json")" 'BEGIN { printf "%.1f", b / 1048576 }')
  # Each run writes a new file: an existing --output is read back and
  # compared first (nothing is rewritten when it is equal), which costs time
  # and memory a fresh capture never pays.
  fg_fresh() { rm -f "$tmp/fg.json"; "$bin" normalize --profile rocky-current --output "$tmp/fg.json" "$tmp/big.json"; }
  py_fresh() { rm -f "$tmp/py.json"; "$python" "$here/python_normalizer.py" "$tmp/big.json" --output "$tmp/py.json"; }
  fg=$(median_wall_ms "$runs" fg_fresh)
  py=$(median_wall_ms "$runs" py_fresh)
  cmp -s "$tmp/fg.json" "$tmp/py.json" || { echo "scaling: outputs differ at $mb MB" >&2; exit 1; }
  rm -f "$tmp/fg.json" "$tmp/py.json"
  fg_rss=$(peak_rss_kb "$bin" normalize --profile rocky-current --output "$tmp/fg.json" "$tmp/big.json")
  py_rss=$(peak_rss_kb "$python" "$here/python_normalizer.py" "$tmp/big.json" --output "$tmp/py.json")
  rate() { awk -v m="$mib_in" -v ms="$1" 'BEGIN { printf "%.0f", m / (ms / 1000) }'; }
  echo "| $mib_in MiB | $(duration "$fg") | $(rate "$fg") | $(mib "$fg_rss") | $(duration "$py") | $(rate "$py") | $(mib "$py_rss") | $(ratio "$py" "$fg")x |"
done
rm -f "$tmp/big.json" "$tmp/fg.json" "$tmp/py.json"
echo

# ---- validate --------------------------------------------------------------------
echo "### validate: N captures against the engine's schemas, one process each"
echo
echo "| captures | fixturegen | captures/s | peak RSS | Python jsonschema | captures/s | peak RSS | ratio |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
py_ok=no
"$python" -c 'import jsonschema' 2>/dev/null && py_ok=yes
mapfile -t base < <(find "$ref/fixtures_generated" -name '*.json' -type f | sort)
for count in ${CAPTURES:-40 1000 10000}; do
  echo "scaling: validate $count captures" >&2
  rm -rf "$tmp/corpus"
  mkdir -p "$tmp/corpus"
  files=()
  for ((k = 0; ${#files[@]} < count; k++)); do
    mkdir -p "$tmp/corpus/$k"
    for f in "${base[@]}"; do
      ((${#files[@]} < count)) || break
      copy="$tmp/corpus/$k/$(basename "$(dirname "$f")")_$(basename "$f")"
      cp "$f" "$copy"
      files+=("$copy")
    done
  done
  cd "$tmp"  # no scenarios/ here: types by the engine's convention, like the peer
  fg=$(median_wall_ms "$runs" "$bin" validate --schemas "$ref/schemas" "$tmp/corpus")
  fg_rss=$(peak_rss_kb "$bin" validate --schemas "$ref/schemas" "$tmp/corpus")
  per_s() { awk -v n="$count" -v ms="$1" 'BEGIN { printf "%.0f", n / (ms / 1000) }'; }
  if [[ $py_ok == yes ]]; then
    n=$runs
    ((count < 10000)) || n=$py_big_runs
    py=$(median_wall_ms "$n" "$python" "$here/jsonschema_bench.py" "$ref/schemas" "${files[@]}")
    py_rss=$(peak_rss_kb "$python" "$here/jsonschema_bench.py" "$ref/schemas" "${files[@]}")
    note=""
    ((n == runs)) || note=" ($n run)"
    echo "| $count | $(duration "$fg") | $(per_s "$fg") | $(mib "$fg_rss") | $(duration "$py")$note | $(per_s "$py") | $(mib "$py_rss") | $(ratio "$py" "$fg")x |"
  else
    echo "| $count | $(duration "$fg") | $(per_s "$fg") | $(mib "$fg_rss") | skipped: python3 has no jsonschema | - | - | - |"
  fi
done
rm -rf "$tmp/corpus"
cd "$root"
echo

# ---- regen -------------------------------------------------------------------------
echo "### regen: the first N POCs, engine double at ${LATENCY_MS:-50} ms per call (median of $runs)"
echo
echo "| POCs | captures | -j 1 | -j 2 | -j 2 / -j 1 | overhead per capture | serial shell loop | loop / -j 1 |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
for pocs in ${POC_COUNTS:-1 4 9}; do
  echo "scaling: regen $pocs POCs" >&2
  : >"$tmp/summary"
  BENCH_ROWS="" BENCH_SUMMARY="$tmp/summary" FIXTUREGEN_BINARY="$bin" POCS=$pocs RUNS=$runs \
    bash "$here/regen_bench.sh" >&2 || true
  [[ -s $tmp/summary ]] || { echo "scaling: regen_bench.sh gave no figures for $pocs POCs" >&2; exit 1; }
  read -r npocs captures wall1 wall2 today overhead ratio_j2 _ _ <"$tmp/summary"
  echo "| $npocs | $captures | $(duration "$wall1") | $(duration "$wall2") | ${ratio_j2}x | $overhead ms | $(duration "$today") | $(ratio "$today" "$wall1")x |"
done
echo
echo "- load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
