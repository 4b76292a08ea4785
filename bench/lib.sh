# Shared by the bench/*_bench.sh scripts (sourced, not run): timing, medians,
# peak RSS, and the rows of the one report table bench/report.sh prints.

# Microseconds since the epoch into REPLY. Bash's EPOCHREALTIME costs no
# process; `date +%s%N` (the fallback) adds a fork+exec to every sample.
now_us() {
  if [[ -n ${EPOCHREALTIME:-} ]]; then REPLY=$((10#${EPOCHREALTIME/[.,]/}))
  else REPLY=$(($(date +%s%N) / 1000)); fi
}

# Numbers on stdin, one a line -> their median.
median() { sort -g | awk '{a[NR]=$1} END {if (NR == 0) exit 1; print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

# ratio A B -> A / B with one decimal.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "-"; else printf "%.1f", a / b }'; }

# verdict VALUE TARGET (">=" | "<=") -> PASS or MISS.
verdict() { awk -v v="$1" -v t="$2" -v dir="$3" 'BEGIN { ok = (dir == ">=") ? v >= t : v <= t; print ok ? "PASS" : "MISS" }'; }

# peak_rss_kb CMD...: runs CMD once (output discarded, must exit 0 or 1) and
# prints the peak resident set of the largest process in it, in KiB: GNU
# time's %M (the maximum over CMD and every process it waited for), or
# getrusage(RUSAGE_CHILDREN) through Python when /usr/bin/time is missing
# (Debian: apt-get install time). CMD is a program, not a shell function.
peak_rss_kb() {
  local out
  out=$(mktemp)
  if /usr/bin/time -f %M true >/dev/null 2>&1; then
    /usr/bin/time -f %M -o "$out" "$@" >/dev/null 2>&1 || [[ $? -eq 1 ]]
    tail -1 "$out"
  else
    python3 -c 'import resource, subprocess, sys
code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)' "$@"
  fi
  rm -f "$out"
}

# KiB -> "12 MiB" (or "-" for nothing).
mib() { [[ -n ${1:-} && $1 != - ]] && awk -v k="$1" 'BEGIN { printf "%.0f MiB", k / 1024 }' || echo "-"; }

# ms -> "3.4 ms" or "12.3 s".
duration() { awk -v ms="$1" 'BEGIN { if (ms >= 10000) printf "%.1f s", ms / 1000; else if (ms >= 100) printf "%.0f ms", ms; else printf "%.1f ms", ms }'; }

# report_row OPERATION FIXTUREGEN PEER PEER_FIGURE RATIO TARGET RSS: one row
# of the report table, appended to $BENCH_ROWS when bench/report.sh set it.
# Cells are text as shown; "-" for none.
report_row() {
  [[ -n ${BENCH_ROWS:-} ]] || return 0
  local IFS=$'\t'
  printf '%s\n' "$*" >>"$BENCH_ROWS"
}
