#!/usr/bin/env bash
# `just bench`: every benchmark under bench/ in one go, and ONE markdown
# table of their results on stdout (each script's own detailed report goes to
# stderr as it runs). Rows: an operation, fixturegen's figure, a peer and its
# figure, the ratio (peer time / fixturegen time: how many times faster
# fixturegen is), the target, and peak RSS (fixturegen / peer). Every figure
# is a median of several runs (see each script); a peer that cannot run here
# is a row saying "skipped: <why>".
#
# Usage: bench/report.sh [normalize|validate|regen]...   (default: all three)
#   Environment: as the scripts (FIXTUREGEN_BINARY, FIXTUREGEN_ROCKY_REFERENCE,
#   RUNS, ...). Exit 1 when a script reports a missed target or a wrong output.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
bin=${FIXTUREGEN_BINARY:-$root/build/fixturegen}
benches=("$@")
((${#benches[@]})) || benches=(normalize validate regen)

rows=$(mktemp)
trap 'rm -f "$rows"' EXIT
export BENCH_ROWS=$rows
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
started=$(date -u '+%Y-%m-%d %H:%M UTC')
status=0
missing=()
for bench in "${benches[@]}"; do
  script=$here/${bench}_bench.sh
  [[ -f $script ]] || { echo "report: no benchmark $script" >&2; exit 2; }
  echo "== bench/${bench}_bench.sh" >&2
  bash "$script" >&2
  rc=$?
  ((rc == 0)) || { status=1; missing+=("${bench}_bench.sh exit $rc"); }
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

cpu=$(lscpu 2>/dev/null | awk -F: '/^Model name/ { gsub(/^ +/, "", $2); print $2; exit }')
echo "## fixturegen benchmarks"
echo
echo "- $started; $("$bin" --version 2>/dev/null) ($(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo "no git"))"
echo "- machine: ${cpu:-unknown CPU}, $(nproc) cores, $(free -g | awk '/^Mem:/ {print $2}') GiB; $(uname -sr)"
echo "- load average (1, 5, 15 min) before: $load_before; after: $load_after"
echo "- ratio = peer time / fixturegen time; peak RSS = largest process (fixturegen / peer)"
echo
echo "| operation | fixturegen | peer | peer's figure | ratio | target | peak RSS |"
echo "| --- | --- | --- | --- | --- | --- | --- |"
while IFS=$'\t' read -r operation fixturegen peer peer_figure ratio target rss; do
  printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$operation" "$fixturegen" "$peer" "$peer_figure" "$ratio" "$target" "$rss"
done <"$rows"
if ((${#missing[@]})); then
  echo
  echo "Missed or failed: ${missing[*]} (details on stderr)."
fi
exit $status
