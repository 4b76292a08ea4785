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
  garbage) echo "loading..."; echo "thread 'main' panicked at src/main.rs:1" >&2 ;;
  crash) echo "about to crash" >&2; kill -SEGV $$ ;;
  sleep) sleep "$2"; echo '{"slept":true}' ;;
  env) printf '{"tz":%s,"lc_all":%s,"home_in_sandbox":%s,"secret":%s,"passed":%s,"step":%s}\n' \
         "$(json_string "$TZ")" "$(json_string "$LC_ALL")" \
         "$( [[ "$HOME" == "$(dirname "$PWD")/home" ]] && echo true || echo false)" \
         "$(json_string "${SECRET:-}")" "$(json_string "${PASSED:-}")" "$(json_string "${STEP_VAR:-}")" ;;
  echo) shift; out='{"args":['; sep=''
        for a in "$@"; do out+="$sep$(json_string "$a")"; sep=','; done
        echo "$out]}" ;;
  *) echo "error: unknown command '$1'" >&2; exit 2 ;;
esac
