#!/usr/bin/env bash
# A tiny stand-in engine for regen_cli.sh: one JSON document per command, so
# regen's own behaviour (bindings, exit codes, refusals, timeouts) can be
# tested without the engine double. The realistic engine is rocky-double.
json_string() {  # a JSON string literal of $1 (quotes and backslashes escaped)
  local s=${1//\\/\\\\}
  s=${s//\"/\\\"}
  printf '"%s"' "$s"
}
case "$1" in
  --version) echo "fake-rocky 1.0.0" ;;
  compile) echo "compiling models" >&2; printf '{"command":"compile","duration_ms":%d,"models":["a","b"]}\n' "$RANDOM" ;;
  plan) echo '{"command":"plan","plan_id":"p-42"}' ;;
  review) printf '{"command":"review","plan":%s,"reviewed":false}\n' "$(json_string "$2")" ;;
  doctor) echo '{"command":"doctor","status":"warning"}'; exit 1 ;;
  garbage) printf 'loading...\033[2J\377\n'; echo "thread 'main' panicked at src/main.rs:1" >&2 ;;  # ESC, not UTF-8
  crash) echo "about to crash" >&2; kill -SEGV $$ ;;
  sleep) sleep "$2"; echo '{"slept":true}' ;;
  env) printf '{"tz":%s,"lc_all":%s,"home_in_sandbox":%s,"secret":%s,"passed":%s,"step":%s}\n' \
         "$(json_string "$TZ")" "$(json_string "$LC_ALL")" \
         "$( [[ "$HOME" == "$(dirname "$PWD")/home" ]] && echo true || echo false)" \
         "$(json_string "${SECRET:-}")" "$(json_string "${PASSED:-}")" "$(json_string "${STEP_VAR:-}")" ;;
  echo) shift; out='{"args":['; sep=''
        for a in "$@"; do out+="$sep$(json_string "$a")"; sep=','; done
        echo "$out]}" ;;
  # Fault modes for fault_matrix.sh.
  cat-file) cat "$2" ;;                   # a payload file of the POC, verbatim
  empty) echo "error: no such model" >&2 ;;
  truncated) printf '{"command":"compile","models":["a",' ;;
  json-exit) echo '{"command":"compile","models":["a","b"]}'; exit "$2" ;;
  huge)  # $2 MB of one JSON array of 1 KB strings
    row=$(printf '"%01020d",' 0)
    printf '['; for ((i = 0; i < $2 * 1024; i++)); do printf '%s' "$row"; done; printf '"end"]\n' ;;
  stderr-flood)  # $2 MB on stderr, then a normal document
    line=$(printf '%01023d' 0)
    for ((i = 0; i < $2 * 1024; i++)); do printf '%s\n' "$line"; done >&2
    echo '{"command":"compile","models":["a","b"]}' ;;
  hang-with-child)  # a child in the same process group must die with it; $2 names it for pgrep
    (exec -a "fake-rocky-child-$2" sleep 987654) & sleep 987654 ;;
  *) echo "error: unknown command '$1'" >&2; exit 2 ;;
esac
