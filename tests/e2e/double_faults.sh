#!/usr/bin/env bash
# End-to-end: each fault mode of rocky-double (ROCKY_DOUBLE_FAULT) does what
# fixturegen's reliability tests rely on, and a targeted fault hits only its
# command.
# Usage: double_faults.sh ROCKY_DOUBLE DUCKDB SOURCE_DIR
set -uo pipefail
double=$(realpath "${1:?}"); duckdb=$(realpath "${2:?}"); src=$(realpath "${3:?}")
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
ulimit -c 0  # the crash mode aborts: no core files
passed=0; failed=0
check() {  # NAME EXPECTED ACTUAL
  if [[ $2 == "$3" ]]; then passed=$((passed + 1)); echo "ok   $1"
  else failed=$((failed + 1)); echo "FAIL $1: expected '$2', got '$3'"; fi
}
is_json() { python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$1" 2>/dev/null && echo yes || echo no; }
cp -r "$src/pocs/00-foundations/01-replication-basics" "$tmp/poc" && cd "$tmp/poc" || exit 1
"$duckdb" playground.duckdb < data/seed.sql >/dev/null
fault() {  # MODE COMMAND...: runs with the fault, stdout in $tmp/out, stderr in $tmp/err, exit in $rc
  local mode=$1; shift
  ROCKY_DOUBLE_FAULT=$mode "$@" >"$tmp/out" 2>"$tmp/err"; rc=$?
}
"$double" discover >"$tmp/normal.json" 2>/dev/null

fault crash "$double" discover
check "crash: killed by SIGABRT" 134 $rc
check "crash: no stdout" 0 "$(wc -c <"$tmp/out")"
start=$(date +%s%N)
fault hang timeout 1 "$double" discover
check "hang: still running after 1 s (timeout kills it)" 124 $rc
check "hang: no stdout" 0 "$(wc -c <"$tmp/out")"
fault empty "$double" discover
check "empty: exit 0" 0 $rc
check "empty: no stdout" 0 "$(wc -c <"$tmp/out")"
fault garbage "$double" discover
check "garbage: exit 0" 0 $rc
check "garbage: stdout is not JSON" no "$(is_json "$tmp/out")"
fault truncated "$double" discover
check "truncated: exit 0" 0 $rc
check "truncated: not JSON" no "$(is_json "$tmp/out")"
check "truncated: a prefix of the real document" yes "$(python3 -c 'import sys; a=open(sys.argv[1]).read(); b=open(sys.argv[2]).read(); print("yes" if a and len(a) < len(b) and b.startswith(a) else "no")' "$tmp/out" "$tmp/normal.json")"
fault json-then-exit-3 "$double" discover
check "json-then-exit-3: exit 3" 3 $rc
check "json-then-exit-3: valid JSON" yes "$(is_json "$tmp/out")"
fault huge=5 "$double" discover
check "huge=5: valid JSON" yes "$(is_json "$tmp/out")"
check "huge=5: at least 5 MiB" yes "$([[ $(wc -c <"$tmp/out") -ge 5242880 ]] && echo yes || echo no)"
bytes=$(ROCKY_DOUBLE_FAULT=huge "$double" discover 2>/dev/null | wc -c)
check "huge (default): at least 300 MiB through a pipe" yes "$([[ $bytes -ge 314572800 ]] && echo yes || echo no)"
fault stderr-flood "$double" discover
check "stderr-flood: exit 0" 0 $rc
check "stderr-flood: at least 64 MiB of stderr" yes "$([[ $(wc -c <"$tmp/err") -ge 67108864 ]] && echo yes || echo no)"
check "stderr-flood: stdout still the document" yes "$(cmp -s "$tmp/out" "$tmp/normal.json" && echo yes || echo no)"
fault extra-field "$double" discover
check "extra-field: valid JSON with an unknown key" True "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["unexpected_field_from_double"])' "$tmp/out")"
fault changed-type "$double" discover
check "changed-type: sources is no longer an array" dict "$(python3 -c 'import json,sys; print(type(json.load(open(sys.argv[1]))["sources"]).__name__)' "$tmp/out")"
start=$(date +%s%N)
fault latency=400 "$double" discover
elapsed=$(( ($(date +%s%N) - start) / 1000000 ))
check "latency=400: at least 400 ms" yes "$([[ $elapsed -ge 400 ]] && echo yes || echo no)"
check "latency=400: then the normal document" yes "$(cmp -s "$tmp/out" "$tmp/normal.json" && echo yes || echo no)"
fault doctor:crash "$double" discover
check "doctor:crash leaves discover alone" 0 $rc
fault doctor:crash "$double" doctor
check "doctor:crash crashes doctor" 134 $rc
fault "discover:json-then-exit-5,latency=10" "$double" discover
check "a list of faults" 5 $rc
fault bogus "$double" discover
check "an unknown mode is refused" 2 $rc

echo "double_faults: $passed passed, $failed failed"
((failed == 0))
