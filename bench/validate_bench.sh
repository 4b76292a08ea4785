#!/usr/bin/env bash
# Validation speed, from ONE run of this script: the 40 real engine captures
# against the engine's own schemas, whole-process wall time (median of
# $RUNS runs) for
#   fixturegen validate --schemas (one process; compiled schemas cached, and
#     with --no-cache),
#   Python jsonschema Draft7Validator (one process),
#   ajv-cli (one process per schema, as a shell pipeline would run it),
#   the ajv library (one node process),
# then fixturegen on 10,000 captures (the 40, copied 250 times).
# Targets printed beside the results: >= 60x faster than Python jsonschema,
# >= 10,000 captures/s; the ratio to the fastest peer is printed too.
#
# Usage: bench/validate_bench.sh   (from anywhere; builds nothing)
#   FIXTUREGEN_BINARY          default build/fixturegen
#   FIXTUREGEN_ROCKY_REFERENCE default ../shared/rocky-reference
#   RUNS                       default 5
#   PYTHON                     default python3 (then /usr/bin/python3)
# Installs what a fresh machine lacks, saying so: Debian's python3-jsonschema
# (and nodejs/npm) with apt-get when run as root, and the ajv packages of
# bench/package.json with `npm install --prefix bench` (bench/node_modules is
# gitignored). A peer that still cannot run is reported and skipped.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
bin=${FIXTUREGEN_BINARY:-$root/build/fixturegen}
ref=${FIXTUREGEN_ROCKY_REFERENCE:-$root/../shared/rocky-reference}
runs=${RUNS:-5}
hruns=${HYPERFINE_RUNS:-30}
[[ -x $bin ]] || { echo "validate_bench: no binary at $bin (build first, or set FIXTUREGEN_BINARY)" >&2; exit 2; }
[[ -d $ref/fixtures_generated && -d $ref/schemas ]] || { echo "validate_bench: no reference data at $ref" >&2; exit 2; }
ref=$(cd "$ref" && pwd)
schemas="$ref/schemas"
mapfile -t captures < <(find "$ref/fixtures_generated" -name '*.json' -type f | sort)
n=${#captures[@]}

tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
# shellcheck source=bench/lib.sh
source "$here/lib.sh"  # now_us (sets REPLY: no $(...) subshell is timed), peak_rss_kb, report_row
# median_ms CMD...: runs CMD (output discarded, must exit 0), prints the
# median in ms. A program runs under hyperfine -N when hyperfine is there:
# no shell between the timer and the process, which matters when the
# process takes 3 ms and a fork of bash takes 1 (bash functions and
# machines without hyperfine fall back to timing from bash, $runs runs).
median_ms() {
  if [[ -n $hyperfine && $(type -t "$1") == file ]]; then
    "$hyperfine" -N --warmup 3 --runs "$hruns" --export-json "$tmp/h.json" -- "$(printf '%q ' "$@")" >/dev/null 2>"$tmp/err" \
      || { echo "validate_bench: failed: $*" >&2; cat "$tmp/err" >&2; return 1; }
    "$python_any" -c 'import json,sys; print("%.2f" % (json.load(open(sys.argv[1]))["results"][0]["median"] * 1000))' "$tmp/h.json"
    return
  fi
  local times=() start end
  for ((i = 0; i < runs; i++)); do
    now_us; start=$REPLY
    "$@" >/dev/null 2>"$tmp/err" || { echo "validate_bench: failed: $*" >&2; cat "$tmp/err" >&2; return 1; }
    now_us; end=$REPLY
    times+=($((end - start)))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {m = (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2; printf "%.1f\n", m / 1000}'
}

# Everything runs from an empty directory: fixturegen's types then come from
# the engine's convention alone, like the peers' (no scenarios/ to load).
# No subshell around it either: only the programs themselves are timed.
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
cd "$tmp"
fixturegen_cmd=("$bin" validate --schemas "$schemas")
# validate keeps compiled schemas between runs (schema/program_cache.hpp):
# the bench's own cache, filled by one run before any timing, so the main
# figure is what every run after a developer's first one costs. The
# --no-cache figure (every schema parsed and compiled) is printed beside it.
export FIXTUREGEN_CACHE_DIR="$tmp/cache"

# apt_install PACKAGE...: Debian packages, as root (or password-less sudo),
# printing what is installed; fails quietly when that is not possible.
apt_install() {
  local sudo=()
  command -v apt-get >/dev/null || return 1
  if [[ $(id -u) -ne 0 ]]; then
    sudo -n true 2>/dev/null || return 1
    sudo=(sudo -n)
  fi
  echo "  (installing Debian packages: $*)" >&2
  # A fresh machine may have no package lists yet.
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@" >&2 ||
    { "${sudo[@]}" apt-get update >&2 &&
      "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@" >&2; }
}

# hyperfine times the fast programs (see median_ms); python3 reads its report.
hyperfine=$(command -v hyperfine || { apt_install hyperfine >/dev/null 2>&1 && command -v hyperfine; } || true)
python_any=$(command -v python3 || true)
[[ -n $python_any ]] || hyperfine=""

# ---- the 40 captures ------------------------------------------------------------
"${fixturegen_cmd[@]}" "$ref/fixtures_generated" >/dev/null 2>&1 || true  # fills the cache
fg_ms=$(median_ms "${fixturegen_cmd[@]}" "$ref/fixtures_generated")
fg_cold_ms=$(median_ms "${fixturegen_cmd[@]}" --no-cache "$ref/fixtures_generated")
echo "validate benchmark: $n captures from $ref/fixtures_generated against the engine's schemas"
echo "whole-process wall time, median ($( [[ -n $hyperfine ]] && echo "hyperfine -N, $hruns runs" || echo "$runs runs timed from bash"))"
fg_rss=$(peak_rss_kb "${fixturegen_cmd[@]}" "$ref/fixtures_generated")
fg_cold_rss=$(peak_rss_kb "${fixturegen_cmd[@]}" --no-cache "$ref/fixtures_generated")
printf '  %-44s %9.1f ms   peak RSS %s\n' "fixturegen (1 process, schemas cached)" "$fg_ms" "$(mib "$fg_rss")"
printf '  %-44s %9.1f ms   peak RSS %s\n' "fixturegen --no-cache (1 process)" "$fg_cold_ms" "$(mib "$fg_cold_rss")"
operation="validate $n captures (engine schemas)"
# peer_row PEER MS RSS_KB: the report table's row for a peer that ran.
peer_row() {
  report_row "$operation" "$(duration "$fg_ms")" "$1" "$(duration "$2")" "$(ratio "$2" "$fg_ms")x" \
    "$([[ $1 == "Python jsonschema"* ]] && echo ">= 60x: $(verdict "$(ratio "$2" "$fg_ms")" 60 ">=")" || echo -)" \
    "$(mib "$fg_rss") / $(mib "$3")"
}
skipped_row() { report_row "$operation" "$(duration "$fg_ms")" "$1" "skipped: $2" "-" "-" "$(mib "$fg_rss") / -"; }

# The interpreter itself ($PYTHON, default python3), not a version manager's
# shim script in front of it; without jsonschema there, Debian's python3,
# with python3-jsonschema installed when missing.
python_with_jsonschema() {
  local candidate exe
  for candidate in "${PYTHON:-python3}" /usr/bin/python3; do
    exe=$("$candidate" -c 'import sys; print(sys.executable)' 2>/dev/null) || continue
    if "$exe" -c 'import jsonschema' 2>/dev/null; then echo "$exe"; return 0; fi
    [[ -n ${PYTHON:-} ]] && break  # an explicit $PYTHON is not second-guessed
  done
  [[ -z ${PYTHON:-} ]] || return 1
  apt_install python3-jsonschema || return 1
  /usr/bin/python3 -c 'import jsonschema' 2>/dev/null && echo /usr/bin/python3
}
declare -A peer_ms=()
if python=$(python_with_jsonschema); then
  py_version=$("$python" -c 'import sys, importlib.metadata as m; print("Python", sys.version.split()[0] + ", jsonschema", m.version("jsonschema"))')
  py_ms=$(median_ms "$python" "$here/jsonschema_bench.py" "$schemas" "${captures[@]}")
  peer_ms["Python jsonschema"]=$py_ms
  py_rss=$(peak_rss_kb "$python" "$here/jsonschema_bench.py" "$schemas" "${captures[@]}")
  printf '  %-44s %9.1f ms   fixturegen is %sx faster (target >= 60x)  [%s]\n' \
    "Python jsonschema Draft7Validator (1 process)" "$py_ms" "$(ratio "$py_ms" "$fg_ms")" "$py_version"
  peer_row "Python jsonschema Draft7Validator, 1 process" "$py_ms" "$py_rss"
  printf '  %-44s %9s      fixturegen --no-cache is %sx faster\n' "" "" "$(ratio "$py_ms" "$fg_cold_ms")"
  report_row "$operation, --no-cache" "$(duration "$fg_cold_ms")" "Python jsonschema Draft7Validator, 1 process" \
    "$(duration "$py_ms")" "$(ratio "$py_ms" "$fg_cold_ms")x" "-" "$(mib "$fg_cold_rss") / $(mib "$py_rss")"
  py_verdict=$(verdict "$(ratio "$py_ms" "$fg_ms")" 60 ">=")
else
  echo "  Python jsonschema: not installed and could not be (apt-get install python3-jsonschema, as root): skipped"
  skipped_row "Python jsonschema" "not installed, and apt-get install python3-jsonschema failed"
fi

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  apt_install nodejs npm || true
fi
ajv_ready() {
  [[ -x $here/node_modules/.bin/ajv && -f $here/node_modules/ajv/package.json &&
     -f $here/node_modules/ajv-formats/package.json ]]
}
if command -v node >/dev/null && command -v npm >/dev/null && ! ajv_ready; then
  echo "  (installing bench/package.json's packages: npm install --prefix bench)" >&2
  npm install --prefix "$here" --no-audit --no-fund >&2 || echo "  npm install failed" >&2
fi
if command -v node >/dev/null && ajv_ready; then
  # Group captures by type (the same discriminators as the engine's README).
  python3 - "$tmp/groups" "${captures[@]}" <<'PY'
import json, os, sys
out, files = sys.argv[1], sys.argv[2:]
os.makedirs(out, exist_ok=True)
groups = {}
for f in files:
    c = json.load(open(f))
    t = c["command"]
    if t == "lineage" and "column" in c: t = "column_lineage"
    if t == "history" and "model" in c: t = "model_history"
    groups.setdefault(t, []).append(f)
for t, fs in groups.items():
    open(os.path.join(out, t), "w").write("\n".join(fs) + "\n")
PY
  ajv_cli_all() {
    local group type args
    for group in "$tmp/groups"/*; do
      type=$(basename "$group")
      args=()
      while read -r f; do args+=(-d "$f"); done <"$group"
      "$here/node_modules/.bin/ajv" validate --spec=draft7 --strict=false --all-errors \
        -c "$here/ajv_formats.js" -s "$schemas/$type.schema.json" "${args[@]}" || return 1
    done
  }
  groups=$(ls "$tmp/groups" | wc -l)
  cli_ms=$(median_ms ajv_cli_all)
  peer_ms["ajv-cli"]=$cli_ms
  # Peak RSS of the largest of its runs: the one for the most captures.
  largest=$(wc -l "$tmp/groups"/* | grep -v ' total$' | sort -n | tail -1 | awk '{print $2}')
  cli_args=()
  while read -r f; do cli_args+=(-d "$f"); done <"$largest"
  cli_rss=$(peak_rss_kb "$here/node_modules/.bin/ajv" validate --spec=draft7 --strict=false --all-errors \
    -c "$here/ajv_formats.js" -s "$schemas/$(basename "$largest").schema.json" "${cli_args[@]}")
  printf '  %-44s %9.1f ms   fixturegen is %sx faster\n' "ajv-cli ($groups runs, one per schema)" "$cli_ms" \
    "$(ratio "$cli_ms" "$fg_ms")"
  lib_ms=$(median_ms node "$here/ajv_bench.js" "$schemas" "${captures[@]}")
  peer_ms["ajv library"]=$lib_ms
  lib_rss=$(peak_rss_kb node "$here/ajv_bench.js" "$schemas" "${captures[@]}")
  printf '  %-44s %9.1f ms   fixturegen is %sx faster\n' "ajv library (1 node process)" "$lib_ms" \
    "$(ratio "$lib_ms" "$fg_ms")"
  peer_row "ajv library, 1 node process" "$lib_ms" "$lib_rss"
  peer_row "ajv-cli, one run per schema ($groups runs)" "$cli_ms" "$cli_rss"
else
  echo "  ajv: node, npm or the ajv packages unavailable: skipped"
  reason="node/npm or bench/package.json's packages missing (npm install --prefix bench failed)"
  skipped_row "ajv library" "$reason"
  skipped_row "ajv-cli" "$reason"
fi

if ((${#peer_ms[@]} > 0)); then
  fastest=""
  for peer in "${!peer_ms[@]}"; do
    if [[ -z $fastest ]] || awk -v a="${peer_ms[$peer]}" -v b="${peer_ms[$fastest]}" 'BEGIN { exit !(a < b) }'; then
      fastest=$peer
    fi
  done
  printf '  fastest peer: %s, %.1f ms: fixturegen is %sx faster\n' "$fastest" "${peer_ms[$fastest]}" \
    "$(ratio "${peer_ms[$fastest]}" "$fg_ms")"
fi

# ---- 10,000 captures -------------------------------------------------------------
copies=250
for ((k = 0; k < copies; k++)); do
  mkdir -p "$tmp/corpus/$k"
  cp -r "$ref/fixtures_generated/." "$tmp/corpus/$k/"
done
total=$((n * copies))
big_ms=$(median_ms "${fixturegen_cmd[@]}" "$tmp/corpus")
rate=$(awk -v n="$total" -v ms="$big_ms" 'BEGIN { printf "%.0f", n / (ms / 1000) }')
big_rss=$(peak_rss_kb "${fixturegen_cmd[@]}" "$tmp/corpus")
printf 'fixturegen on %d captures (1 process): %.1f ms = %s captures/s (target >= 10,000 captures/s), peak RSS %s\n' \
  "$total" "$big_ms" "$rate" "$(mib "$big_rss")"
report_row "validate $total captures (the $n, $copies times)" "$(duration "$big_ms") = $rate captures/s" "-" "-" "-" \
  ">= 10,000 captures/s: $(verdict "$rate" 10000 ">=")" "$(mib "$big_rss")"
# Exit 1 when a target is missed.
[[ ${py_verdict:-PASS} == PASS && $(verdict "$rate" 10000 ">=") == PASS ]]
