#!/usr/bin/env bash
# regen against the engine double at a fixed latency per call
# (ROCKY_DOUBLE_FAULT=latency=MS), side by side in one run:
#  (a) fixturegen's overhead per capture beyond the engine's own time:
#      (wall time of `regen -j 1` - the sum of every step's elapsed time) / captures.
#      Target: <= 2 ms.
#  (b) `regen -j 2` against `regen -j 1`, wall time. Target: <= 0.6x.
#  (c) today's approach on the same plan: a serial shell loop that cds into
#      each POC, deletes its state, runs every step with `|| true`, stderr
#      thrown away, and bench/python_normalizer.py once per capture.
#      (The engine's time is every step's elapsed time plus one `--version`.)
# Each runs on a scratch copy of the project; (a) and (c) must give the same
# 40 captures (checked).
#
# Usage: bench/regen_bench.sh   (from anywhere; build first)
#   FIXTUREGEN_BINARY  default build/fixturegen
#   ROCKY_DOUBLE       default build/tests/double/rocky-double
#   DUCKDB             default build/tests/duckdb_cli/duckdb
#   LATENCY_MS         default 50
# Exit status: 0 when both targets are met and the outputs match, 1 otherwise.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
bin=$(realpath "${FIXTUREGEN_BINARY:-$root/build/fixturegen}")
double=$(realpath "${ROCKY_DOUBLE:-$root/build/tests/double/rocky-double}")
duckdb=$(realpath "${DUCKDB:-$root/build/tests/duckdb_cli/duckdb}")
latency=${LATENCY_MS:-50}
work=$(mktemp -d "${TMPDIR:-/tmp}/fixturegen-regen-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
export ROCKY_DOUBLE_FAULT="latency=$latency"
now() { date +%s.%N; }

project() {  # DIR: a scratch copy of the plan, the POCs and the lock (its durations order -j), no corpus
  mkdir -p "$1/fixtures_generated"
  cp -r "$root/fixturegen.toml" "$root/pocs" "$1/"
  cp "$root/fixtures_generated/fixturegen.lock" "$1/fixtures_generated/"
}

regen_run() {  # JOBS DIR -> prints "wall_s engine_ms captures"
  local jobs=$1 dir=$2 start end
  project "$dir"
  start=$(now)
  (cd "$dir" && "$bin" regen -j "$jobs" --engine "$double" --tool "duckdb=$duckdb") 2>"$dir.err" >/dev/null
  end=$(now)
  local engine_ms captures
  engine_ms=$(grep -oE '\(exit [0-9]+, [0-9.]+ ms\)$' "$dir.err" | grep -oE '[0-9.]+ ms' | awk '{s += $1} END {print s}')
  captures=$(find "$dir/fixtures_generated" -name '*.json' | wc -l)
  echo "$(echo "$end - $start" | bc) $engine_ms $captures"
}

# regen also asks the engine its --version once (preflight): engine time too.
start=$(now); "$double" --version >/dev/null; end=$(now)
version_ms=$(echo "($end - $start) * 1000" | bc)
read -r wall1 steps1 captures1 < <(regen_run 1 "$work/j1")
engine1=$(echo "$steps1 + $version_ms" | bc)
read -r wall2 _ captures2 < <(regen_run 2 "$work/j2")

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
start=$(now)
bash "$work/today.sh"
end=$(now)
wall_today=$(echo "$end - $start" | bc)

status=0
same="yes"
if ! diff -r -x fixturegen.lock "$work/j1/fixtures_generated" "$work/today/fixtures_generated" >"$work/diff.txt"; then
  same="NO ($(wc -l <"$work/diff.txt") diff lines)"
  status=1
fi
if ! diff -r -x fixturegen.lock "$work/j1/fixtures_generated" "$root/fixtures_generated" -x README.md >/dev/null; then
  same="$same; regen differs from the committed corpus"
  status=1
fi
overhead=$(echo "scale=2; ($wall1 * 1000 - $engine1) / $captures1" | bc)
ratio=$(echo "scale=2; $wall2 / $wall1" | bc)
versus=$(echo "scale=1; $wall_today / $wall1" | bc)
printf 'regen bench: engine double at latency=%s ms, %s captures, 9 POCs\n' "$latency" "$captures1"
printf '  (a) regen -j 1: %.2f s wall, engine %.2f s: overhead %s ms per capture (target <= 2 ms)\n' "$wall1" "$(echo "$engine1 / 1000" | bc -l)" "$overhead"
printf '  (b) regen -j 2: %.2f s wall = %sx of -j 1 (target <= 0.6x)\n' "$wall2" "$ratio"
printf '  (c) serial bash loop + Python normalizer per capture: %.2f s = %sx regen -j 1\n' "$wall_today" "$versus"
printf '  outputs identical (regen vs bash loop, and vs the committed corpus): %s\n' "$same"
(( $(echo "$overhead <= 2" | bc) )) || { echo "  MISSED: overhead per capture"; status=1; }
(( $(echo "$ratio <= 0.6" | bc) )) || { echo "  MISSED: -j 2 vs -j 1"; status=1; }
exit $status
