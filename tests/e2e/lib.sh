# Shared by the e2e scripts that count checks: a scratch directory kept on
# failure, and the expect_* helpers. Source it, then call e2e_scratch NAME.
# Each check ends in pass or fail; the script reports "$checks passed,
# $failures failed" itself.

failures=0
checks=0

# e2e_scratch NAME: WORK is a fresh directory, removed at exit unless a check failed.
e2e_scratch() {
  WORK="$(mktemp -d "${TMPDIR:-/tmp}/fixturegen-e2e-$1.XXXXXX")"
  trap e2e_cleanup EXIT
}
e2e_cleanup() {
  if [[ $failures -eq 0 ]]; then rm -rf "$WORK"; else echo "scratch directory kept: $WORK" >&2; fi
}

fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
pass() { checks=$((checks + 1)); }
run() { "$@" >out.txt 2>err.txt; rc=$?; }
expect_rc() {  # CODE DESCRIPTION CMD...
  local want="$1" what="$2"
  shift 2
  run "$@"
  if [[ "$rc" -ne "$want" ]]; then
    fail "$what: exit $rc, expected $want (stdout: $(head -c 600 out.txt)) (stderr: $(head -c 1500 err.txt))"
  else
    pass
  fi
}
expect_contains() {  # FILE TEXT DESCRIPTION
  if grep -qF -- "$2" "$1"; then pass; else fail "$3: '$2' not in $(basename "$1"): $(head -c 1500 "$1")"; fi
}
expect_not_contains() {  # FILE TEXT DESCRIPTION
  if grep -qF -- "$2" "$1"; then fail "$3: '$2' unexpectedly in $(basename "$1")"; else pass; fi
}
