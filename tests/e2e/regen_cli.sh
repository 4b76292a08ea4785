#!/usr/bin/env bash
# End-to-end: `fixturegen regen` and `status` on small projects made here,
# with a tiny fake engine (regen_fake_engine.sh): captures and the lock file,
# a second run changing nothing, --check drift, orphans, preflight reporting
# every problem at once, refusals (paths out, symlinks out), step failures
# with POC/step/command/stderr and fixtures left as they were, expect, exit
# codes, timeouts, shell metacharacters, the environment, --shard, --dry-run,
# two regens at once and Ctrl-C. POC folders must never change.
set -u

BIN="${FIXTUREGEN_BINARY:-}"
[[ -n "$BIN" && "$BIN" != /* ]] && BIN="$PWD/$BIN"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [[ -z "$BIN" || ! -x "$BIN" ]]; then
  echo "FIXTUREGEN_BINARY must name the built fixturegen binary (got '$BIN')" >&2
  exit 1
fi

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_scratch regen
export TMPDIR="$WORK/tmp"   # sandboxes go here: none may be left behind
mkdir -p "$TMPDIR"
tree_sum() {  # DIR: one checksum over every file's path, mode and bytes
  (cd "$1" && find . -type f -o -type l | LC_ALL=C sort | while read -r f; do
     if [[ -L "$f" ]]; then echo "$f -> $(readlink "$f")"; else echo "$f $(stat -c %a "$f") $(sha256sum <"$f")"; fi
   done) | sha256sum
}
expect_same_tree() {  # DIR SUM DESCRIPTION
  if [[ "$(tree_sum "$1")" == "$2" ]]; then pass; else fail "$3: $1 changed"; fi
}
expect_no_sandboxes() {
  if [[ -z "$(ls -A "$TMPDIR")" ]]; then pass; else fail "$1: sandboxes left in $TMPDIR: $(ls "$TMPDIR")"; fi
}

# make_project DIR: two POCs, one with a seed, a binding and an expect.
make_project() {
  local p="$1"
  rm -rf "$p"
  mkdir -p "$p/pocs/a/data" "$p/pocs/b"
  cp "$HERE/regen_fake_engine.sh" "$p/fake-rocky"
  cat >"$p/fixturegen.toml" <<'TOML'
output = "fixtures"
pocs = ["pocs/a", "pocs/b"]
pass_env = ["PASSED"]

[engine]
command = "./fake-rocky"

[tools]
sh = "sh"

[normalize]
profile = "rocky-current"

[env]
SECRET = "from-config"
TOML
  cat >"$p/pocs/a/capture.toml" <<'TOML'
output = "a"
clean = ["state.db"]

[[step]]
tool = "sh"
args = ["-c", "cat > state.db && test -s state.db"]
stdin = "data/seed.sql"

[[step]]
capture = "compile"
args = ["compile"]

[[step]]
args = ["plan"]
bind = { plan_id = "/plan_id" }

[[step]]
capture = "review"
args = ["review", "{plan_id}"]
expect = { "/reviewed" = false }
TOML
  echo "select 1;" >"$p/pocs/a/data/seed.sql"
  echo "stale state from a manual run" >"$p/pocs/a/state.db"
  cat >"$p/pocs/b/capture.toml" <<'TOML'
output = ""

[[step]]
capture = "doctor"
args = ["doctor"]

[[step]]
capture = "env"
args = ["env"]
env = { STEP_VAR = "from-step" }

[[step]]
capture = "echo"
args = ["echo", "a b", "$HOME", "`id`", "x;y|z&", "'q'", "\"dq\"", "*", "{not_a_placeholder"]
TOML
}

P="$WORK/project"
make_project "$P"
cd "$P" || exit 1
POCS_SUM="$(tree_sum pocs)"

# --- a full regen -------------------------------------------------------------
expect_rc 0 "first regen" env PASSED=yes SECRET=from-outside "$BIN" regen -j 2
for f in a/compile.json a/review.json doctor.json env.json echo.json fixturegen.lock; do
  [[ -f "fixtures/$f" ]] && pass || fail "first regen: fixtures/$f not written"
done
expect_contains err.txt "pocs/a step 4/4: fake-rocky review p-42 -> a/review.json (exit 0," "one line per step"
expect_contains err.txt "regen: 2 POCs, 5 captures, 5 changed, 0 failed in" "summary"
expect_contains fixtures/a/review.json '"plan": "p-42"' "binding substituted"
expect_contains fixtures/a/compile.json '"duration_ms": 0' "normalized in process"
expect_contains fixtures/doctor.json '"status": "warning"' "a captured step may exit 1 with JSON"
expect_contains fixtures/env.json '"tz": "UTC"' "TZ pinned"
expect_contains fixtures/env.json '"lc_all": "C"' "LC_ALL pinned"
expect_contains fixtures/env.json '"home_in_sandbox": true' "HOME in the sandbox"
expect_contains fixtures/env.json '"secret": "from-config"' "config env wins over fixturegen's own"
expect_contains fixtures/env.json '"passed": "yes"' "pass_env passes a variable through"
expect_contains fixtures/env.json '"step": "from-step"' "step env"
printf '%s\n' '{' '  "args": [' '    "a b",' '    "$HOME",' '    "`id`",' '    "x;y|z&",' "    \"'q'\"," '    "\"dq\"",' '    "*",' '    "{not_a_placeholder"' '  ]' '}' >expected_echo.json
if cmp -s expected_echo.json fixtures/echo.json; then pass; else fail "shell metacharacters must reach the engine literally: $(cat fixtures/echo.json)"; fi
expect_contains fixtures/fixturegen.lock '"command": "fake-rocky review p-42"' "lock: command line"
expect_contains fixtures/fixturegen.lock '"exit_code": 1' "lock: exit code"
expect_contains fixtures/fixturegen.lock '"engine_version": "fake-rocky 1.0.0"' "lock: engine version"
expect_same_tree pocs "$POCS_SUM" "a regen never touches the POC folders"
expect_no_sandboxes "after a regen"
FIXTURES_SUM="$(tree_sum fixtures)"
LOCK_BEFORE="$(cat fixtures/fixturegen.lock)"

# --- a second regen changes nothing; --check passes; status is clean ----------
mtime_before="$(stat -c %Y.%y fixtures/a/compile.json)"
expect_rc 0 "second regen" env PASSED=yes "$BIN" regen -j 1
expect_contains err.txt "5 captures, 0 changed, 0 failed" "a second run changes nothing"
[[ "$(stat -c %Y.%y fixtures/a/compile.json)" == "$mtime_before" ]] && pass || fail "an unchanged capture was rewritten (mtime moved)"
[[ "$(cat fixtures/fixturegen.lock)" == "$LOCK_BEFORE" ]] && pass || fail "the lock file changed on an identical run"
expect_rc 0 "check on a current corpus" env PASSED=yes "$BIN" regen --check
expect_rc 0 "status on a current corpus" "$BIN" status
expect_contains err.txt "5 captures, 0 not current" "status counts"

# --- --check finds drift, per file and per pointer, and writes nothing ---------
sed -i 's/"status": "warning"/"status": "ok"/' fixtures/doctor.json
rm fixtures/a/review.json
echo '{"old": true}' >fixtures/left_behind.json
DRIFT_SUM="$(tree_sum fixtures)"
expect_rc 1 "check on a drifted corpus" env PASSED=yes "$BIN" regen --check
expect_contains out.txt "changed   fixtures/doctor.json" "check: changed file"
expect_contains out.txt '~ /status: "ok" → "warning"' "check: the pointer and both values"
expect_contains out.txt "missing   fixtures/a/review.json" "check: missing file"
expect_contains out.txt "orphan    fixtures/left_behind.json" "check: orphan"
expect_contains out.txt "3 of 6 files differ: 1 changed, 1 missing" "check: counts"
expect_same_tree fixtures "$DRIFT_SUM" "--check writes nothing"
expect_rc 1 "status on a drifted corpus" "$BIN" status
expect_contains out.txt "modified  fixtures/doctor.json" "status: edited by hand"
expect_contains out.txt "missing   fixtures/a/review.json" "status: missing"
expect_contains out.txt "orphan    fixtures/left_behind.json" "status: orphan"

# --- orphans: a full regen removes only what it wrote before --------------------
expect_rc 0 "regen over drift" env PASSED=yes "$BIN" regen
expect_contains err.txt "orphan fixtures/left_behind.json: no step produces it; not in fixturegen.lock" "an unknown orphan is reported, kept"
[[ -f fixtures/left_behind.json ]] && pass || fail "regen removed a file it never wrote"
rm fixtures/left_behind.json
sed -i 's/^capture = "echo"$/capture = "echo2"/' pocs/b/capture.toml
expect_rc 0 "filtered regen after a rename" env PASSED=yes "$BIN" regen --poc 'pocs/b*'
expect_contains err.txt "a filtered regen (--poc, --shard) never removes files" "filtered regen keeps orphans"
[[ -f fixtures/echo.json && -f fixtures/echo2.json ]] && pass || fail "filtered regen: echo.json must stay, echo2.json appear"
expect_rc 0 "full regen after a rename" env PASSED=yes "$BIN" regen
expect_contains err.txt "removed orphan echo.json" "full regen removes its own orphan"
[[ ! -f fixtures/echo.json ]] && pass || fail "full regen: echo.json should be gone"
sed -i 's/^capture = "echo2"$/capture = "echo"/' pocs/b/capture.toml
expect_rc 0 "back to the original plan" env PASSED=yes "$BIN" regen
POCS_SUM="$(tree_sum pocs)"
FIXTURES_SUM="$(tree_sum fixtures)"

# --- status: stale inputs ------------------------------------------------------
echo "-- changed" >>pocs/a/data/seed.sql
expect_rc 1 "status after a POC edit" "$BIN" status
expect_contains out.txt "stale     fixtures/a/compile.json  (the POC's files changed)" "status: stale POC"
expect_not_contains out.txt "fixtures/doctor.json" "status: other POCs stay current"
sed -i '$ d' pocs/a/data/seed.sql
expect_rc 0 "status after undoing the edit" "$BIN" status

# --- step failures: named, logged, and the POC's fixtures left as they were -------
sed -i 's/^args = \["compile"\]$/args = ["garbage"]/' pocs/a/capture.toml
expect_rc 3 "non-JSON stdout" env PASSED=yes "$BIN" regen
expect_contains err.txt "pocs/a: step 2 of 4 (" "failure names POC and step"
expect_contains err.txt "pocs/a/capture.toml:9:1): stdout is not one JSON document" "failure names file, line and problem"
expect_contains err.txt "command (run in a sandbox copy of pocs/a): $P/fake-rocky garbage" "failure names the command line"
expect_contains err.txt "thread 'main' panicked" "failure shows the stderr tail"
expect_contains err.txt "(stdout starts: 'loading...\\x1b[2J\\xff\\n')" "the stdout excerpt is escaped"
if LC_ALL=C grep -q $'[\x1b\xff]' err.txt; then fail "the stdout excerpt reached the terminal raw"; else pass; fi
expect_contains err.txt "the fixtures of pocs/a were left as they were" "failure says what happened to the fixtures"
expect_contains err.txt "1 failed" "summary counts the failure"
expect_contains err.txt ".fixturegen/logs/pocs_a.log" "failure names the log"
expect_contains .fixturegen/logs/pocs_a.log "thread 'main' panicked" "the log holds the failing step's stderr"
expect_contains .fixturegen/logs/pocs_a.log "== step 1" "the log holds the earlier steps"
expect_same_tree fixtures "$FIXTURES_SUM" "a failed POC leaves every fixture as it was"
sed -i 's/^args = \["garbage"\]$/args = ["crash"]/' pocs/a/capture.toml
expect_rc 3 "a crashing engine" env PASSED=yes "$BIN" regen --poc pocs/a
expect_contains err.txt "killed by signal 11 (SIGSEGV)" "crash: the signal is named"
sed -i 's/^args = \["crash"\]$/args = ["sleep", "30"]\ntimeout = "1s"/' pocs/a/capture.toml
start=$(date +%s)
expect_rc 3 "a hanging engine" env PASSED=yes "$BIN" regen --poc pocs/a
[[ $(( $(date +%s) - start )) -lt 10 ]] && pass || fail "timeout took too long"
expect_contains err.txt "timed out after 1000 ms" "timeout is named"
sed -i '/^timeout = "1s"$/d; s/^args = \["sleep", "30"\]$/args = ["compile"]/' pocs/a/capture.toml
sed -i 's/^expect = { "\/reviewed" = false }$/expect = { "\/reviewed" = true }/' pocs/a/capture.toml
expect_rc 3 "an expect failure" env PASSED=yes "$BIN" regen --poc pocs/a
expect_contains err.txt 'expect /reviewed = true (' "expect: pointer and value"
expect_contains err.txt 'failed: found false' "expect: what was found"
sed -i 's/^expect = { "\/reviewed" = true }$/expect = { "\/reviewed" = false }/' pocs/a/capture.toml
sed -i 's/^args = \["doctor"\]$/args = ["doctor"]\nexit = [0]/' pocs/b/capture.toml
expect_rc 3 "a disallowed exit code" env PASSED=yes "$BIN" regen --poc pocs/b
expect_contains err.txt "exit code 1 is not allowed; allowed: 0" "exit list"
sed -i '/^exit = \[0\]$/d' pocs/b/capture.toml
expect_same_tree fixtures "$FIXTURES_SUM" "failed runs leave every fixture as it was"
expect_same_tree pocs "$POCS_SUM" "failed runs never touch the POC folders"
expect_no_sandboxes "after failed runs"

# --- preflight: every problem at once, nothing touched ----------------------------
cp fixturegen.toml fixturegen.toml.orig
cp pocs/a/capture.toml capture_a.orig
sed -i 's|^pocs = .*|pocs = ["pocs/a", "pocs/b", "pocs/gone"]|' fixturegen.toml
sed -i 's|^stdin = "data/seed.sql"$|stdin = "data/missing.sql"|; s|^tool = "sh"$|tool = "duckdb"|' pocs/a/capture.toml
expect_rc 2 "preflight problems" "$BIN" regen
expect_contains err.txt 'POC "pocs/gone" does not exist' "preflight: missing POC"
expect_contains err.txt 'tool "duckdb" is not in [tools]' "preflight: missing tool"
expect_contains err.txt 'stdin file "data/missing.sql" does not exist' "preflight: missing stdin file"
expect_contains err.txt "3 problems in the capture plan" "preflight: one report"
cp fixturegen.toml.orig fixturegen.toml
cp capture_a.orig pocs/a/capture.toml
sed -i 's|^sh = "sh"$|sh = "no-such-program-here"|' fixturegen.toml
expect_rc 2 "a tool not on PATH" "$BIN" regen
expect_contains err.txt 'tool "sh" ("no-such-program-here")' "preflight: tool not found"
cp fixturegen.toml.orig fixturegen.toml
expect_rc 2 "an engine that does not exist" "$BIN" regen --engine ./nope
expect_contains err.txt 'engine "./nope" (from --engine)' "preflight: --engine named"
expect_rc 2 "ROCKY_BIN is used" env ROCKY_BIN=/nonexistent/rocky "$BIN" regen
expect_contains err.txt 'engine "/nonexistent/rocky" (from ROCKY_BIN)' "preflight: ROCKY_BIN named"
sed -i 's|^command = "./fake-rocky"$|command = "./fake-rocky"\nversion = "2.0"|' fixturegen.toml
expect_rc 2 "an engine version that does not match the pin" "$BIN" regen
expect_contains err.txt 'is version "fake-rocky 1.0.0", but fixturegen.toml pins version = "2.0"' "version pin"
cp fixturegen.toml.orig fixturegen.toml
expect_same_tree fixtures "$FIXTURES_SUM" "preflight failures touch nothing"

# --- confinement: paths and symlinks out are refused -----------------------------
sed -i 's|^capture = "compile"$|capture = "../../escape"|' pocs/a/capture.toml
expect_rc 2 "a capture name leaving the output dir" "$BIN" regen
expect_contains err.txt 'capture name "../../escape" must be a relative name' "traversal refused"
cp capture_a.orig pocs/a/capture.toml
echo "secret" >"$WORK/outside.sql"
ln -s "$WORK/outside.sql" pocs/a/data/link.sql
sed -i 's|^stdin = "data/seed.sql"$|stdin = "data/link.sql"|' pocs/a/capture.toml
expect_rc 2 "a stdin symlink out of the POC" "$BIN" regen
expect_contains err.txt 'stdin file "data/link.sql" leads outside the POC' "stdin symlink out refused"
cp capture_a.orig pocs/a/capture.toml
expect_rc 2 "a POC holding a symlink out" env PASSED=yes "$BIN" regen --poc pocs/a
expect_contains err.txt "pocs/a: cannot make its sandbox" "sandbox refuses a symlink out"
rm pocs/a/data/link.sql
expect_same_tree fixtures "$FIXTURES_SUM" "refusals touch nothing"
expect_no_sandboxes "after refusals"

# --- --dry-run, --shard -----------------------------------------------------------
expect_rc 0 "dry run" "$BIN" regen --dry-run
expect_contains out.txt "3. ./fake-rocky plan  bind {plan_id} = /plan_id" "dry run: a binding"
expect_contains out.txt "4. ./fake-rocky review '{plan_id}'  -> a/review.json" "dry run: placeholder shown as such"
expect_contains out.txt "1. sh -c 'cat > state.db && test -s state.db' < data/seed.sql" "dry run: stdin"
expect_rc 0 "shard 1/2" env PASSED=yes "$BIN" regen --check --shard 1/2
shard1="$(grep -c '^fixturegen: pocs/' err.txt)"
expect_rc 0 "shard 2/2" env PASSED=yes "$BIN" regen --check --shard 2/2
shard2="$(grep -c '^fixturegen: pocs/' err.txt)"
[[ $((shard1 + shard2)) -eq 7 && $shard1 -gt 0 && $shard2 -gt 0 ]] && pass || fail "shards must split the 7 steps: $shard1 + $shard2"
expect_rc 2 "a bad shard" "$BIN" regen --shard 3/2
expect_contains err.txt '--shard "3/2" is not I/N' "bad shard named"

# --- two regens at once; Ctrl-C --------------------------------------------------------
sed -i 's/^args = \["compile"\]$/args = ["sleep", "5"]/' pocs/a/capture.toml
env PASSED=yes "$BIN" regen -j 2 >"$WORK/first.out" 2>"$WORK/first.err" &
first=$!
# Wait until the first regen is inside its step (it holds the lock by then); a fixed sleep
# was too short on a loaded machine.
for _ in $(seq 300); do pgrep -f "fake-rocky sleep 5" >/dev/null && break; sleep 0.1; done
expect_rc 2 "a second regen while one runs" "$BIN" regen
expect_contains err.txt "another fixturegen regen is running on this output dir" "second regen refused"
kill -INT "$first"
start=$(date +%s)
wait "$first"
first_rc=$?
[[ $first_rc -eq 130 ]] && pass || fail "Ctrl-C: exit $first_rc, expected 130 ($(cat "$WORK/first.err"))"
[[ $(( $(date +%s) - start )) -lt 4 ]] && pass || fail "Ctrl-C took too long"
expect_contains "$WORK/first.err" "interrupted: the engine was stopped, the sandboxes removed, and no fixture was changed" "Ctrl-C message"
cp capture_a.orig pocs/a/capture.toml
expect_same_tree fixtures "$FIXTURES_SUM" "Ctrl-C leaves every fixture as it was"
expect_same_tree pocs "$POCS_SUM" "Ctrl-C leaves the POC folders as they were"
expect_no_sandboxes "after Ctrl-C"
if pgrep -f "fake-rocky sleep 5" >/dev/null; then fail "Ctrl-C left the engine running"; else pass; fi

echo "regen e2e: $checks checks passed, $failures failed"
[[ $failures -eq 0 ]]
