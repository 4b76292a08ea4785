#!/usr/bin/env bash
# Normalize speed and memory, from ONE run of this script, side by side with
# today's pipeline (bench/python_normalizer.py: the rocky-current rules,
# json.load -> rules -> json.dump(indent=2) + "\n"):
#
#  (a) the 40 real captures, made live-like first (bench/make_live_like.py,
#      once, outside the timed part): fixturegen normalizing all of them in
#      ONE process (--in-place, on fresh copies each run) vs a Python loop
#      running one interpreter per file. Target: >= 30x.
#  (b) a generated ~100 MB run capture (bench/make_big_capture): fixturegen
#      vs one Python process, wall time, peak RSS, MB/s. Targets: >= 5x
#      Python's throughput, fixturegen's peak RSS <= 4x the input size.
#
# Every output is checked too: (a) both tools must give back the committed
# reference bytes; (b) fixturegen's and Python's outputs must be identical.
#
# Usage: bench/normalize_bench.sh   (from anywhere; build first)
#   FIXTUREGEN_BINARY          default build/fixturegen
#   MAKE_BIG_CAPTURE           default next to the binary: bench/make_big_capture
#   FIXTUREGEN_ROCKY_REFERENCE default ../shared/rocky-reference
#   PYTHON                     default python3 (its real interpreter, not a shim)
#   RUNS                       default 5 (part a), BIG_RUNS default 3 (part b)
#   BIG_MB                     default 100
# Peak RSS comes from GNU time (/usr/bin/time -v; Debian: apt-get install time),
# or, without it, from getrusage() of a small Python wrapper.
# Exit status: 0 when every target is met and every output matches, 1 otherwise.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
bin=${FIXTUREGEN_BINARY:-$root/build/fixturegen}
ref=${FIXTUREGEN_ROCKY_REFERENCE:-$root/../shared/rocky-reference}
runs=${RUNS:-5}
big_runs=${BIG_RUNS:-3}
big_mb=${BIG_MB:-100}
[[ -x $bin ]] || { echo "normalize_bench: no binary at $bin (build first, or set FIXTUREGEN_BINARY)" >&2; exit 2; }
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
maker=${MAKE_BIG_CAPTURE:-$(dirname "$bin")/bench/make_big_capture}
[[ -x $maker ]] || { echo "normalize_bench: no make_big_capture at $maker (cmake --build build --target make_big_capture, or set MAKE_BIG_CAPTURE)" >&2; exit 2; }
[[ -d $ref/fixtures_generated ]] || { echo "normalize_bench: no reference data at $ref (set FIXTUREGEN_ROCKY_REFERENCE)" >&2; exit 2; }
ref=$(cd "$ref" && pwd)/fixtures_generated
# The interpreter itself, not a version manager's shim script in front of
# it (a shim would add its own start-up to every one of the 40 runs).
python=$("${PYTHON:-python3}" -c 'import sys; print(sys.executable)')
py_version=$("$python" -c 'import sys; print(sys.version.split()[0])')

tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
status=0
# shellcheck source=bench/lib.sh
source "$here/lib.sh"  # now_us, median, ratio, verdict, peak_rss_kb, report_row
note_verdict() { [[ $1 == PASS ]] || status=1; }

# ---- (a) the 40 captures, live-like ------------------------------------------------
"$python" "$here/make_live_like.py" "$ref" "$tmp/live" 7 >"$tmp/count"
mapfile -t rel < <(cd "$tmp/live" && find . -name '*.json' -type f | sort)
n=${#rel[@]}
live_kb=$(du -sk "$tmp/live" | cut -f1)

# time_fresh NAME CMD...: copies the live captures to $tmp/NAME (untimed),
# then times CMD run inside that directory on the copies. Sets REPLY (us).
time_fresh() {
  local name=$1 start
  shift
  rm -rf "${tmp:?}/$name"
  cp -r "$tmp/live" "$tmp/$name"
  cd "$tmp/$name"
  now_us; start=$REPLY
  "$@" >/dev/null 2>"$tmp/err" || { echo "normalize_bench: failed: $*" >&2; cat "$tmp/err" >&2; exit 1; }
  now_us; REPLY=$((REPLY - start))
  cd "$tmp"
}
fixturegen_all() { "$bin" normalize --in-place --profile rocky-current "${rel[@]}"; }
python_per_file() {
  local f
  for f in "${rel[@]}"; do "$python" "$here/python_normalizer.py" --in-place "$f"; done
}
python_one_process() { "$python" "$here/python_normalizer.py" --in-place "${rel[@]}"; }
# Everything but the writes (exit 1 = "would change", expected here): shows
# what writing the files costs on this disk.
fixturegen_check() { "$bin" normalize --check --profile rocky-current "${rel[@]}" || [[ $? -eq 1 ]]; }

fg=() py=() py1=() fgc=()
for ((r = 0; r < runs; r++)); do
  time_fresh fg fixturegen_all; fg+=("$REPLY")
  time_fresh fgc fixturegen_check; fgc+=("$REPLY")
  time_fresh py python_per_file; py+=("$REPLY")
  time_fresh py1 python_one_process; py1+=("$REPLY")
done
fg_ms=$(printf '%s\n' "${fg[@]}" | median | awk '{printf "%.1f", $1 / 1000}')
py_ms=$(printf '%s\n' "${py[@]}" | median | awk '{printf "%.1f", $1 / 1000}')
py1_ms=$(printf '%s\n' "${py1[@]}" | median | awk '{printf "%.1f", $1 / 1000}')
fgc_ms=$(printf '%s\n' "${fgc[@]}" | median | awk '{printf "%.1f", $1 / 1000}')
# Write latency swings with other I/O on the machine: show the spread.
fg_range=$(printf '%s\n' "${fg[@]}" | sort -n | awk 'NR == 1 {lo = $1} {hi = $1} END {printf "runs %.1f..%.1f ms", lo / 1000, hi / 1000}')
speedup=$(ratio "$py_ms" "$fg_ms")
verdict_a=$(verdict "$speedup" 30 ">="); note_verdict "$verdict_a"
# Both must have turned the live captures back into the committed bytes.
same_a=yes
diff -r "$tmp/fg" "$ref" >/dev/null || same_a="NO (fixturegen differs from the reference)"
diff -r "$tmp/py" "$ref" >/dev/null || same_a="NO (python differs from the reference)"
[[ $same_a == yes ]] || status=1
# Peak RSS, one extra untimed run each (on the copies the timed runs left).
cd "$tmp/fgc"
fg_rss_a=$(peak_rss_kb "$bin" normalize --check --profile rocky-current "${rel[@]}")
largest=$(ls -S "${rel[@]}" | head -1)
py_rss_a=$(peak_rss_kb "$python" "$here/python_normalizer.py" "$largest")
py1_rss_a=$(peak_rss_kb "$python" "$here/python_normalizer.py" --in-place "${rel[@]}")
cd "$tmp"

# ---- (b) one big capture -------------------------------------------------------------
"$maker" "$tmp/big.json" "$big_mb" 1 >/dev/null
big_bytes=$(stat -c %s "$tmp/big.json")
big_mib=$(awk -v b="$big_bytes" 'BEGIN { printf "%.1f", b / 1048576 }')

# measure OUT CMD...: runs CMD once; appends "wall_seconds peak_rss_kb" to OUT.
if /usr/bin/time -v true >/dev/null 2>&1; then
  rss_source="GNU time -v"
  measure() {
    local out=$1
    shift
    /usr/bin/time -v -o "$tmp/time.txt" "$@" >/dev/null 2>"$tmp/err" ||
      { echo "normalize_bench: failed: $*" >&2; cat "$tmp/err" >&2; exit 1; }
    awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; wall = s }
                /Maximum resident set size/ { rss = $2 }
                END { print wall, rss }' "$tmp/time.txt" >>"$out"
  }
else
  rss_source="getrusage (install GNU time for -v: apt-get install time)"
  echo "normalize_bench: /usr/bin/time -v unavailable (Debian: apt-get install time); using a Python getrusage wrapper" >&2
  measure() {
    local out=$1
    shift
    "$python" - "$@" >>"$out" 2>"$tmp/err" <<'PY' || { echo "normalize_bench: failed: $*" >&2; cat "$tmp/err" >&2; exit 1; }
import resource, subprocess, sys, time
start = time.perf_counter()
code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode
wall = time.perf_counter() - start
if code:
    sys.exit(code)
print("%.3f %d" % (wall, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
PY
  }
fi

: >"$tmp/fg_big.txt"; : >"$tmp/py_big.txt"
for ((r = 0; r < big_runs; r++)); do
  rm -f "$tmp/big.fg.json" "$tmp/big.py.json"
  measure "$tmp/fg_big.txt" "$bin" normalize --profile rocky-current --output "$tmp/big.fg.json" "$tmp/big.json"
  measure "$tmp/py_big.txt" "$python" "$here/python_normalizer.py" "$tmp/big.json" --output "$tmp/big.py.json"
done
fg_wall=$(cut -d' ' -f1 "$tmp/fg_big.txt" | median)
py_wall=$(cut -d' ' -f1 "$tmp/py_big.txt" | median)
fg_rss_mib=$(cut -d' ' -f2 "$tmp/fg_big.txt" | sort -n | tail -1 | awk '{printf "%.0f", $1 / 1024}')
py_rss_mib=$(cut -d' ' -f2 "$tmp/py_big.txt" | sort -n | tail -1 | awk '{printf "%.0f", $1 / 1024}')
fg_rate=$(awk -v m="$big_mib" -v s="$fg_wall" 'BEGIN { printf "%.1f", m / s }')
py_rate=$(awk -v m="$big_mib" -v s="$py_wall" 'BEGIN { printf "%.1f", m / s }')
throughput=$(ratio "$fg_rate" "$py_rate")
fg_rss_x=$(ratio "$fg_rss_mib" "$big_mib")
py_rss_x=$(ratio "$py_rss_mib" "$big_mib")
verdict_b1=$(verdict "$throughput" 5 ">="); note_verdict "$verdict_b1"
verdict_b2=$(verdict "$fg_rss_x" 4 "<="); note_verdict "$verdict_b2"
if cmp -s "$tmp/big.fg.json" "$tmp/big.py.json"; then same_b=yes; else same_b="NO"; status=1; fi
out_mib=$(awk -v b="$(stat -c %s "$tmp/big.fg.json")" 'BEGIN { printf "%.1f", b / 1048576 }')

# ---- report ------------------------------------------------------------------------------
echo "normalize benchmark: $("$bin" --version), Python $py_version ($python), rocky-current rules"
echo
echo "(a) $n live-like reference captures ($live_kb KB), whole-process wall time, median of $runs runs"
printf '  %-48s %10.1f ms   (%s)\n' "fixturegen, one process (--in-place, $n files)" "$fg_ms" "$fg_range"
printf '  %-48s %10.1f ms\n' "python3, one interpreter per file (today)" "$py_ms"
printf '  %-48s %10.1f ms   (context: start-up excluded)\n' "python3, one interpreter for all $n files" "$py1_ms"
printf '  %-48s %10.1f ms   (context: %sx python per-file; --in-place adds the writes)\n' \
  "fixturegen, one process, --check (no writes)" "$fgc_ms" "$(ratio "$py_ms" "$fgc_ms")"
echo "  outputs equal the committed reference bytes (both tools): $same_a"
echo
echo "(b) generated run capture: $big_mib MiB in, $out_mib MiB out; median wall of $big_runs runs, max peak RSS ($rss_source)"
printf '  %-12s %10s %10s %14s %12s\n' "" "wall s" "MiB/s" "peak RSS MiB" "RSS/input"
printf '  %-12s %10.2f %10s %14s %11sx\n' "fixturegen" "$fg_wall" "$fg_rate" "$fg_rss_mib" "$fg_rss_x"
printf '  %-12s %10.2f %10s %14s %11sx\n' "python3" "$py_wall" "$py_rate" "$py_rss_mib" "$py_rss_x"
echo "  fixturegen and python3 outputs byte-identical: $same_b"
echo
echo "targets"
printf '  %-52s %10s %12s   %s\n' "measure" "result" "target" "verdict"
printf '  %-52s %9sx %12s   %s\n' "(a) 40 captures: python per-file time / fixturegen" "$speedup" ">= 30x" "$verdict_a"
printf '  %-52s %9sx %12s   %s\n' "(b) ~100 MB: fixturegen MiB/s / python MiB/s" "$throughput" ">= 5x" "$verdict_b1"
printf '  %-52s %9sx %12s   %s\n' "(b) ~100 MB: fixturegen peak RSS / input size" "$fg_rss_x" "<= 4x" "$verdict_b2"
printf '  %-52s %10s %12s   %s\n' "outputs correct (a) and identical (b)" "$([[ $same_a == yes && $same_b == yes ]] && echo yes || echo no)" "yes" \
  "$([[ $same_a == yes && $same_b == yes ]] && echo PASS || echo MISS)"

operation="normalize $n live-like captures ($live_kb KB)"
report_row "$operation" "$(duration "$fg_ms")" "Python normalizer, one interpreter per file (today)" "$(duration "$py_ms")" \
  "${speedup}x" ">= 30x: $verdict_a" "$(mib "$fg_rss_a") / $(mib "$py_rss_a")"
report_row "$operation" "$(duration "$fg_ms")" "Python normalizer, one process for all files" "$(duration "$py1_ms")" \
  "$(ratio "$py1_ms" "$fg_ms")x" "-" "$(mib "$fg_rss_a") / $(mib "$py1_rss_a")"
fg_big_ms=$(awk -v s="$fg_wall" 'BEGIN { print s * 1000 }')
py_big_ms=$(awk -v s="$py_wall" 'BEGIN { print s * 1000 }')
report_row "normalize one $big_mib MiB capture" "$(duration "$fg_big_ms") ($fg_rate MiB/s)" "Python normalizer, one process" \
  "$(duration "$py_big_ms") ($py_rate MiB/s)" "${throughput}x" ">= 5x: $verdict_b1; RSS <= 4x input: $verdict_b2" \
  "$fg_rss_mib MiB / $py_rss_mib MiB"
[[ $same_a == yes && $same_b == yes ]] || report_row "normalize: outputs" "DIFFER" "-" "-" "-" "identical: MISS" "-"
exit $status
