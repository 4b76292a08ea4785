#!/usr/bin/env bash
# regen against the engine double at a fixed latency per call
# (ROCKY_DOUBLE_FAULT=latency=MS), side by side in one run, medians of RUNS:
#  (a) fixturegen's overhead per capture beyond the engine's own time:
#      (wall time of `regen -j 1` - the engine's time) / captures, where the
#      engine's time is every step's elapsed time as regen logs it (spawn to
#      reap, 0.1 ms; the duckdb seed steps included) plus one `--version`
#      (regen's preflight), timed from bash. Target: <= 2 ms.
#  (b) `regen -j 2` against `regen -j 1`, wall time. Target: <= 0.6x.
#  (c) today's approach on the same plan: a serial shell loop that cds into
#      each POC, deletes its state, runs every step with `|| true`, stderr
#      thrown away, and bench/python_normalizer.py once per capture.
# Each run works on a scratch copy of the project; (a) and (c) must give the
# same 40 captures, equal to the committed corpus (checked).
#
# Usage: bench/regen_bench.sh   (from anywhere; build first)
#   FIXTUREGEN_BINARY  default build/fixturegen
#   ROCKY_DOUBLE       default build/tests/double/rocky-double
#   DUCKDB             default build/tests/duckdb_cli/duckdb
#   LATENCY_MS         default 50
#   RUNS               default 3 (each of -j 1, -j 2 and the shell loop)
#   POCS               default all: only the first N POCs of the plan (for
#                      docs/performance.md's scaling; outputs are then
#                      compared for those POCs only)
#   BENCH_ROWS         set by bench/report.sh: rows of its table go there
#   BENCH_SUMMARY      set by bench/scaling.sh: one line of raw figures goes there
# Exit status: 0 when both targets are met and the outputs match, 1 otherwise.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
# shellcheck source=bench/lib.sh
source "$here/lib.sh"
bin=$(realpath "${FIXTUREGEN_BINARY:-$root/build/fixturegen}")
double=$(realpath "${ROCKY_DOUBLE:-$root/build/tests/double/rocky-double}")
duckdb=$(realpath "${DUCKDB:-$root/build/tests/duckdb_cli/duckdb}")
latency=${LATENCY_MS:-50}
runs=${RUNS:-3}
pocs=${POCS:-0}
work=$(mktemp -d "${TMPDIR:-/tmp}/fixturegen-regen-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
export ROCKY_DOUBLE_FAULT="latency=$latency"
have_time=no
/usr/bin/time -f %M true >/dev/null 2>&1 && have_time=yes

project() {  # DIR: a scratch copy of the plan, the POCs and the lock (its durations order -j), no corpus
  rm -rf "$1"
  mkdir -p "$1/fixtures_generated"
  cp -r "$root/fixturegen.toml" "$root/pocs" "$1/"
  cp "$root/fixtures_generated/fixturegen.lock" "$1/fixtures_generated/"
  if ((pocs > 0)); then  # only the first $pocs POCs of the plan
    python3 - "$1/fixturegen.toml" "$pocs" <<'PY'
import re, sys
path, n = sys.argv[1], int(sys.argv[2])
text = open(path).read()
block = re.search(r"^pocs = \[(.*?)^\]", text, re.S | re.M)
names = re.findall(r'"([^"]+)"', block.group(1))[:n]
text = text[:block.start()] + "pocs = [" + ", ".join(f'"{p}"' for p in names) + "]" + text[block.end():]
open(path, "w").write(text)
PY
  fi
}

# timed RSS_FILE CMD...: runs CMD; sets REPLY to its wall time in ms and
# appends its peak RSS (KiB, largest process, engine included) to RSS_FILE.
timed() {
  local rss_file=$1 start
  shift
  now_us; start=$REPLY
  if [[ $have_time == yes ]]; then
    /usr/bin/time -f %M -o "$work/time.txt" "$@"
    tail -1 "$work/time.txt" >>"$rss_file"
  else
    "$@"
  fi
  now_us; REPLY=$(awk -v us=$((REPLY - start)) 'BEGIN { printf "%.1f", us / 1000 }')
}

regen_run() {  # JOBS DIR -> sets REPLY to "wall_ms engine_ms captures"
  local jobs=$1 dir=$2 wall engine_ms captures
  project "$dir"
  cd "$dir"
  timed "$work/rss_regen" "$bin" regen -j "$jobs" --engine "$double" --tool "duckdb=$duckdb" 2>"$dir.err" >/dev/null ||
    { echo "regen_bench: regen -j $jobs failed:" >&2; tail -20 "$dir.err" >&2; exit 1; }
  wall=$REPLY
  cd "$work"
  engine_ms=$(grep -oE '\(exit [0-9]+, [0-9.]+ ms\)$' "$dir.err" | grep -oE '[0-9.]+ ms' | awk '{s += $1} END {print s + 0}')
  captures=$(find "$dir/fixtures_generated" -name '*.json' | wc -l)
  REPLY="$wall $engine_ms $captures"
}

# regen also asks the engine its --version once (preflight): engine time too.
versions=()
for ((i = 0; i < 5; i++)); do
  now_us; start=$REPLY; "$double" --version >/dev/null; now_us; versions+=($((REPLY - start)))
done
version_ms=$(printf '%s\n' "${versions[@]}" | median | awk '{printf "%.1f", $1 / 1000}')

# Today's approach: a generated serial bash loop (the capture.toml files
# read once by Python, outside the timed part).
project "$work/today"
python3 - "$work/today" "$double" "$duckdb" "$here/python_normalizer.py" >"$work/today.sh" <<'PY'
import shlex, sys, tomllib, re
root, engine, duckdb, normalizer = sys.argv[1:]
config = tomllib.load(open(f"{root}/fixturegen.toml", "rb"))
out = f"{root}/{config['output']}"
print("set -u")
for poc in config["pocs"]:
    plan = tomllib.load(open(f"{root}/{poc}/capture.toml", "rb"))
    sub = f"{out}/{plan['output']}" if plan.get("output") else out
    print(f"cd {shlex.quote(root + '/' + poc)} && mkdir -p {shlex.quote(sub)}")
    print("rm -rf " + " ".join(shlex.quote(c) for c in plan.get("clean", [])))
    for step in plan["step"]:
        program = duckdb if step.get("tool") == "duckdb" else engine
        args = [shlex.quote(a) for a in step["args"]]
        args = [re.sub(r"\{(\w+)\}", lambda m: "'\"$" + m.group(1) + "\"'", a) for a in args]
        cmd = " ".join([shlex.quote(program)] + args)
        if "stdin" in step:
            cmd += " < " + shlex.quote(step["stdin"])
        for name, pointer in step.get("bind", {}).items():
            key = pointer.lstrip("/")
            print(f"{name}=$({cmd} 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"{key}\"])' || true)")
        if "capture" in step:
            target = shlex.quote(f"{sub}/{step['capture']}.json")
            print(f"{cmd} > {target} 2>/dev/null || true")
            print(f"python3 {shlex.quote(normalizer)} --in-place {target} || true")
        elif not step.get("bind"):
            print(f"{cmd} > /dev/null 2>&1 || true")
    print("rm -rf " + " ".join(shlex.quote(c) for c in plan.get("clean", [])))
PY
# Interleaved, so a change in the machine's load hits all three alike.
j1_wall=() j1_over=() j2_wall=() today_wall=()
for ((r = 0; r < runs; r++)); do
  regen_run 1 "$work/j1"
  read -r wall engine captures1 <<<"$REPLY"
  j1_wall+=("$wall")
  j1_over+=("$(awk -v w="$wall" -v e="$engine" -v v="$version_ms" -v n="$captures1" 'BEGIN { printf "%.3f", (w - e - v) / n }')")
  regen_run 2 "$work/j2"
  read -r wall _ _ <<<"$REPLY"
  j2_wall+=("$wall")
  project "$work/today"
  timed "$work/rss_today" bash "$work/today.sh"
  today_wall+=("$REPLY")
done
wall1=$(printf '%s\n' "${j1_wall[@]}" | median)
wall2=$(printf '%s\n' "${j2_wall[@]}" | median)
wall_today=$(printf '%s\n' "${today_wall[@]}" | median)
overhead=$(printf '%s\n' "${j1_over[@]}" | median | awk '{printf "%.2f", $1}')
overhead_range=$(printf '%s\n' "${j1_over[@]}" | sort -g | awk 'NR == 1 {lo = $1} {hi = $1} END {printf "%.2f..%.2f", lo, hi}')
ratio_j2=$(awk -v a="$wall2" -v b="$wall1" 'BEGIN { printf "%.2f", a / b }')
versus=$(ratio "$wall_today" "$wall1")
rss_regen=$(sort -n "$work/rss_regen" 2>/dev/null | tail -1)
rss_today=$(sort -n "$work/rss_today" 2>/dev/null | tail -1)
npocs=$(grep -c '' <(cd "$work/j1" && "$bin" regen --dry-run --engine "$double" --tool "duckdb=$duckdb" 2>/dev/null | grep '^poc '))

status=0
same="yes"
if ! diff -r -x fixturegen.lock "$work/j1/fixtures_generated" "$work/today/fixtures_generated" >"$work/diff.txt"; then
  same="NO ($(wc -l <"$work/diff.txt") diff lines)"
  status=1
fi
while read -r file; do
  if ! cmp -s "$work/j1/fixtures_generated/$file" "$root/fixtures_generated/$file"; then
    same="$same; regen differs from the committed corpus ($file)"
    status=1
    break
  fi
done < <(cd "$work/j1/fixtures_generated" && find . -name '*.json' | sort)
verdict_a=$(verdict "$overhead" 2 "<=")
verdict_b=$(verdict "$ratio_j2" 0.6 "<=")
[[ $verdict_a == PASS && $verdict_b == PASS ]] || status=1

printf 'regen bench: engine double at latency=%s ms, %s captures, %s POCs, median of %s runs; load average %s\n' \
  "$latency" "$captures1" "$npocs" "$runs" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf '  engine --version (preflight): %s ms\n' "$version_ms"
printf '  (a) regen -j 1: %s wall: overhead %s ms per capture beyond the engine (runs %s; target <= 2 ms) %s\n' \
  "$(duration "$wall1")" "$overhead" "$overhead_range" "$verdict_a"
printf '  (b) regen -j 2: %s wall = %sx of -j 1 (target <= 0.6x) %s\n' "$(duration "$wall2")" "$ratio_j2" "$verdict_b"
printf '  (c) serial bash loop + Python normalizer per capture: %s = %sx regen -j 1\n' "$(duration "$wall_today")" "$versus"
printf '  peak RSS, largest process (engine included): regen %s, bash loop %s\n' "$(mib "$rss_regen")" "$(mib "$rss_today")"
printf '  outputs identical (regen vs bash loop, and vs the committed corpus): %s\n' "$same"

operation="regen $npocs POCs, $captures1 captures (double at $latency ms/call)"
report_row "$operation, -j 1" "$(duration "$wall1")" "serial shell loop + Python normalizer per capture" \
  "$(duration "$wall_today")" "${versus}x" "-" "$(mib "$rss_regen") / $(mib "$rss_today")"
report_row "regen: overhead per capture beyond the engine's time, -j 1" "$overhead ms" "-" "-" "-" "<= 2 ms: $verdict_a" "-"
report_row "regen: -j 2 wall / -j 1 wall" "$(duration "$wall2") / $(duration "$wall1")" "-" "-" "${ratio_j2}x" "<= 0.6x: $verdict_b" "-"
# For bench/scaling.sh: the raw figures, one line.
[[ -z ${BENCH_SUMMARY:-} ]] || echo "$npocs $captures1 $wall1 $wall2 $wall_today $overhead $ratio_j2 ${rss_regen:-0} ${rss_today:-0}" >>"$BENCH_SUMMARY"
[[ $same == yes ]] || report_row "regen: outputs" "DIFFER: $same" "-" "-" "-" "identical: MISS" "-"
exit $status
