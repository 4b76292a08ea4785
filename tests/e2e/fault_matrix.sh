#!/usr/bin/env bash
# The fault matrix (docs/reliability.md): every fault a capture run can meet,
# one row each, through the built binary ($FIXTUREGEN_BINARY) on a scratch
# project with the fake engine (regen_fake_engine.sh). Each row asserts the
# exit code, a message naming what failed and one saying what to do, and
# that the committed fixtures and the POC folders are byte for byte as
# before, with no sandbox left behind.
#
# The rows are printed as the markdown table of docs/reliability.md, and the
# test fails when the document's table differs (so the two cannot drift):
#   FIXTUREGEN_UPDATE_DOCS=1 ctest -R e2e-fault-matrix   rewrites it.
set -u

BIN="${FIXTUREGEN_BINARY:-}"
SRC="${FIXTUREGEN_SOURCE_DIR:-}"
[[ -n "$BIN" && "$BIN" != /* ]] && BIN="$PWD/$BIN"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [[ -z "$BIN" || ! -x "$BIN" || -z "$SRC" || ! -f "$SRC/docs/reliability.md" ]]; then
  echo "FIXTUREGEN_BINARY and FIXTUREGEN_SOURCE_DIR must name the built binary and the source tree" >&2
  exit 1
fi

source "$HERE/lib.sh"
e2e_scratch fault-matrix
export TMPDIR="$WORK/tmp"   # sandboxes go here: none may be left behind
mkdir -p "$TMPDIR"
ROWS="$WORK/rows.md"
: >"$ROWS"

tree_sum() {  # DIR: one checksum over every file's path, mode and bytes (symlinks by target)
  (cd "$1" && find . -type f -o -type l | LC_ALL=C sort | while read -r f; do
     if [[ -L "$f" ]]; then echo "$f -> $(readlink "$f")"; else echo "$f $(stat -c %a "$f") $(sha256sum <"$f")"; fi
   done) | sha256sum
}

# --- the project: one POC with one capturing step, and its committed corpus ------
P="$WORK/project"
mkdir -p "$P/pocs/a/data"
cp "$HERE/regen_fake_engine.sh" "$P/fake-rocky"
cat >"$P/fixturegen.toml" <<'TOML'
output = "fixtures"
pocs = ["pocs/a"]

[engine]
command = "./fake-rocky"

[tools]
sh = "sh"

[normalize]
profile = "rocky-current"
TOML
echo "select 1;" >"$P/pocs/a/data/seed.sql"
# plan STEP_LINES...: pocs/a/capture.toml with one step capturing "compile".
plan() {
  { echo 'output = "a"'; echo; echo '[[step]]'; echo 'capture = "compile"'; printf '%s\n' "$@"; } >"$P/pocs/a/capture.toml"
}
cd "$P" || exit 1
plan 'args = ["json-exit", "0"]' 'stdin = "data/seed.sql"'
expect_rc 0 "the first regen (the committed corpus)" "$BIN" regen
[[ -f fixtures/a/compile.json ]] && pass || fail "the first regen wrote no fixtures/a/compile.json"
cp -a fixtures "$WORK/fixtures.committed"
cp -a fixturegen.toml "$WORK/fixturegen.toml.committed"

# Payloads the engine prints verbatim (`cat-file`), kept inside the POC.
printf '%*s' 100000 '' | tr ' ' '[' >pocs/a/data/deep.json
printf '%*s' 100000 '' | tr ' ' ']' >>pocs/a/data/deep.json
printf '{"command":"compile","models":["a","b\xff"]}\n' >pocs/a/data/bad-utf8.json
echo '{"command":"compile","models":["a","b"],"big":123456789012345678901234567890}' >pocs/a/data/big-int.json
echo '{"command":"compile","models":["a","b"],"ratio":NaN}' >pocs/a/data/nan.json
echo '{"command":"compile","models":["a","b"],"models":["c"]}' >pocs/a/data/dup-key.json
echo "secret" >"$WORK/outside.sql"

# row FAULT WANT_RC BEHAVIOUR WHAT_FAILED WHAT_TO_DO -- COMMAND...
# Runs COMMAND in the project; WHAT_FAILED and WHAT_TO_DO must be in its
# output. Fixtures, POC folders and fixturegen.toml must be unchanged
# (compared with the state before the command), no sandbox left. Appends
# the row to the table.
row() {
  local fault=$1 want=$2 behaviour=$3 what=$4 todo=$5
  shift 6
  local fixtures_before pocs_before config_before failures_before=$failures
  fixtures_before=$(tree_sum fixtures)
  pocs_before=$(tree_sum pocs)
  config_before=$(sha256sum <fixturegen.toml)
  expect_rc "$want" "$fault" "$@"
  cat out.txt err.txt >all.txt
  expect_contains all.txt "$what" "$fault: what failed"
  [[ $todo == - ]] || expect_contains all.txt "$todo" "$fault: what to do"  # - : a success, nothing to do
  [[ $(tree_sum fixtures) == "$fixtures_before" ]] && pass || fail "$fault: a committed fixture changed"
  [[ $(tree_sum pocs) == "$pocs_before" ]] && pass || fail "$fault: a POC folder changed"
  [[ $(sha256sum <fixturegen.toml) == "$config_before" ]] && pass || fail "$fault: fixturegen.toml changed"
  [[ -z $(ls -A "$TMPDIR") ]] && pass || fail "$fault: sandboxes left: $(ls "$TMPDIR")"
  local verdict="unchanged"
  ((failures > failures_before)) && verdict="**FAILED**"
  printf '| %s | %s | %s | `` %s `` / `` %s `` | %s |\n' "$fault" "$behaviour" "$want" "$what" "$todo" "$verdict" >>"$ROWS"
}
regen() { "$BIN" regen "$@"; }

# --- the engine misbehaves -----------------------------------------------------------
plan 'args = ["crash"]'
row "engine crash (SIGSEGV)" 3 "step fails; POC, step, command line, signal and stderr tail named" \
  "killed by signal 11 (SIGSEGV)" "rerun the command above in a copy of the POC" -- regen
token=$(basename "$WORK")  # unique to this run: other runs of this test may be going on
plan "args = [\"hang-with-child\", \"$token\"]" 'timeout = "1s"'
start=$SECONDS
row "engine hang (and its child)" 3 "killed at the step's timeout with its whole process group" \
  "timed out after 1000 ms" "raise \`timeout\` for this step" -- regen
((SECONDS - start < 10)) && pass || fail "hang: the timeout took $((SECONDS - start)) s"
expect_contains err.txt "ended: timed out, process group killed" "hang: the kill is reported"
sleep 0.2
if survivors=$(pgrep -f "fake-rocky-child-$token"); then
  fail "hang: the engine's child survived the process-group kill"; kill $survivors
else
  pass
fi
plan 'args = ["empty"]'
row "empty stdout" 3 "step fails; the engine's stderr is shown" \
  "printed nothing on stdout, but the step needs one JSON document" "the engine may have printed its error on stderr" -- regen
plan 'args = ["garbage"]'
row "garbage on stdout" 3 "step fails; where parsing stopped and how stdout starts" \
  "stdout is not one JSON document: 1:1:" "must print exactly one JSON document on stdout" -- regen
plan 'args = ["truncated"]'
row "truncated JSON" 3 "step fails; line and column of the cut" \
  "stdout is not one JSON document: 1:" "must print exactly one JSON document on stdout" -- regen
plan 'args = ["json-exit", "3"]'
row "JSON and exit 3, no \`exit\` list" 0 "a capture: any exit code is allowed unless the step narrows it (--check: the corpus matches)" \
  "1 captures, 0 failed, corpus matches" - -- regen --check
plan 'args = ["json-exit", "3"]' 'exit = [0]'
row "JSON and exit 3, \`exit = [0]\`" 3 "step fails: the exit code is not in the step's list" \
  "exit code 3 is not allowed; allowed: 0" "add it to the step's \`exit\` list" -- regen
plan 'args = ["huge", "200"]'
row "200 MB on stdout" 1 "read whole, normalized, compared (--check): reported as drift, nothing written" \
  "changed   fixtures/a/compile.json" "run \`fixturegen regen\` and commit the result if the change is intended" -- regen --check
plan 'args = ["stderr-flood", "64"]'
row "64 MB on stderr" 0 "drained while stdout is read (no deadlock); the capture is unaffected" \
  "1 captures, 0 failed, corpus matches" - -- regen --check

# --- what the engine prints breaks the JSON rules ---------------------------------------
plan 'args = ["cat-file", "data/deep.json"]'
row "100,000-deep nesting" 3 "refused by the reader (limit 50,000), no stack overflow" \
  "nesting deeper than 50000 levels" "must print exactly one JSON document on stdout" -- regen
plan 'args = ["cat-file", "data/bad-utf8.json"]'
row "invalid UTF-8" 3 "refused with line and column" \
  "invalid UTF-8" "must print exactly one JSON document on stdout" -- regen
plan 'args = ["cat-file", "data/nan.json"]'
row "NaN" 3 "refused with line and column" \
  "stdout is not one JSON document: 1:" "must print exactly one JSON document on stdout" -- regen
plan 'args = ["cat-file", "data/dup-key.json"]'
row "duplicate keys" 3 "refused with line, column and the key" \
  "duplicate key" "must print exactly one JSON document on stdout" -- regen
plan 'args = ["cat-file", "data/big-int.json"]'
row "integer beyond 64 bits" 1 "kept exactly, digit for digit (--check shows it as drift)" \
  "+ /big: 123456789012345678901234567890" "run \`fixturegen regen\` and commit the result if the change is intended" -- regen --check

# --- the plan is wrong ----------------------------------------------------------------------
plan 'args = ["json-exit", "0"]'
sed -i 's|^pocs = .*|pocs = ["pocs/a", "pocs/gone"]|' fixturegen.toml
row "missing POC" 2 "refused before anything runs (preflight)" \
  'POC "pocs/gone" does not exist' "fix the capture plan" -- regen
cp "$WORK/fixturegen.toml.committed" fixturegen.toml
plan 'args = ["-c", "true"]' 'tool = "psql"'
row "missing tool (not in [tools])" 2 "refused before anything runs" \
  'tool "psql" is not in [tools]' 'add psql = "PROGRAM" there, or pass --tool psql=PATH' -- regen
sed -i 's|^sh = "sh"$|sh = "no-such-program-here"|' fixturegen.toml
plan 'args = ["-c", "true"]' 'tool = "sh"'
row "missing tool (not on PATH)" 2 "refused before anything runs" \
  "tool \"sh\" (\"no-such-program-here\"): program 'no-such-program-here' not found on PATH" "fix the capture plan" -- regen
cp "$WORK/fixturegen.toml.committed" fixturegen.toml
row "missing engine" 2 "refused before anything runs" \
  'engine "./nope" (from --engine)' "fix the capture plan" -- regen --engine ./nope
plan 'args = ["json-exit", "0"]' 'stdin = "data/missing.sql"'
row "missing seed (stdin) file" 2 "refused before anything runs" \
  'capture.toml:3:1: step 1: stdin file "data/missing.sql" does not exist in the POC' "fix the capture plan" -- regen
plan 'args = ["json-exit", "0"]' 'stdin = "../../outside.sql"'
row "plan path with \`..\`" 2 "refused: a plan path must stay inside the POC" \
  '"stdin" = "../../outside.sql" must be a path inside the POC' "fix the capture plan" -- regen
plan 'args = ["json-exit", "0"]' 'stdin = "/etc/passwd"'
row "plan with an absolute path" 2 "refused: a plan path must stay inside the POC" \
  '"stdin" = "/etc/passwd" must be a path inside the POC' "fix the capture plan" -- regen
plan 'args = ["json-exit", "0"]'
sed -i 's|^capture = "compile"$|capture = "../../escape"|' pocs/a/capture.toml
row "capture name with \`..\`" 2 "refused: a capture stays inside the output folder" \
  'capture name "../../escape" must be a relative name' "fix the capture plan" -- regen
ln -s ../../../../outside.sql pocs/a/data/link.sql  # relative: an absolute one is refused as such
plan 'args = ["json-exit", "0"]' 'stdin = "data/link.sql"'
row "symlink out of the POC (as stdin)" 2 "refused before anything runs" \
  'stdin file "data/link.sql" leads outside the POC (a symlink)' "fix the capture plan" -- regen
plan 'args = ["json-exit", "0"]'
row "symlink out of the POC (anywhere in it)" 2 "the sandbox copy refuses it; nothing runs" \
  "pocs/a: cannot make its sandbox: symlink pocs/a/data/link.sql" "make it a relative link to a file inside the POC" -- regen
rm pocs/a/data/link.sql
plan 'captur = "compile"' 'args = ["json-exit", "0"]'
row "plan with an unknown key" 2 "refused with file, line and the keys allowed" \
  'capture.toml:5:10: unknown key "captur" in [[step]] 1 (known: args,' "fix the capture plan" -- regen
plan 'args = "json-exit"'
row "plan with a wrong type" 2 "refused with file, line and the type wanted" \
  'capture.toml:5:8: "args" must be an array of strings' "fix the capture plan" -- regen
plan 'args = ["json-exit", "0"]'
echo 'outptu = "x"' >>fixturegen.toml
row "fixturegen.toml with an unknown key" 2 "refused with file, line and the keys allowed" \
  'fixturegen.toml:12:10: unknown key "outptu" in [normalize] (known: profile, rules)' "fix the capture plan" -- regen
cp "$WORK/fixturegen.toml.committed" fixturegen.toml
sed -i 's|^output = "fixtures"$|output = 5|' fixturegen.toml
row "fixturegen.toml with a wrong type" 2 "refused with file, line and the type wanted" \
  'fixturegen.toml:1:10: "output" must be a string' "fix the capture plan" -- regen
cp "$WORK/fixturegen.toml.committed" fixturegen.toml

# --- shell metacharacters reach the engine as plain arguments ---------------------------------
# A real capture (it adds a/echo.json); the committed corpus is put back after.
plan 'args = ["echo", "a b", "$HOME", "`id`", "x;y|z&", "$(touch pwned)", "*"]'
sed -i 's|^capture = "compile"$|capture = "echo"|' pocs/a/capture.toml
pocs_before=$(tree_sum pocs)
expect_rc 0 "shell metacharacters" "$BIN" regen --poc pocs/a
expect_contains fixtures/a/echo.json '"`id`"' "metacharacters: passed verbatim"
expect_contains fixtures/a/echo.json '"$(touch pwned)"' "metacharacters: no substitution"
expect_contains fixtures/a/echo.json '"x;y|z&"' "metacharacters: no pipes"
[[ -z $(find . "$TMPDIR" -name pwned) ]] && pass || fail "metacharacters: a shell ran the arguments"
[[ $(tree_sum pocs) == "$pocs_before" ]] && pass || fail "metacharacters: a POC folder changed"
printf '| %s | %s | %s | `` %s `` / `` %s `` | %s |\n' "shell metacharacters in args" \
  "argv, no shell: the capture holds \`\$(touch pwned)\` as text, nothing ran" 0 '"$(touch pwned)"' "(a success: nothing to do)" \
  "POCs unchanged; a/echo.json added" >>"$ROWS"
rm -rf fixtures && cp -a "$WORK/fixtures.committed" fixtures
plan 'args = ["json-exit", "0"]'

# --- other files the tool reads -----------------------------------------------------------------
printf 'extends = "default"\nzero_sufixes = ["_ms"]\n' >"$WORK/typo.toml"
row "rules file with an unknown key" 2 "refused with file, line and the keys allowed" \
  'typo.toml:2:16: unknown key "zero_sufixes" in a rules file' "known keys: extends," -- "$BIN" normalize --rules "$WORK/typo.toml" fixtures/a/compile.json
printf 'zero_suffixes = "_ms"\n' >"$WORK/wrongtype.toml"
row "rules file with a wrong type" 2 "refused with file, line and the type wanted" \
  'wrongtype.toml:1:17: "zero_suffixes" must be an array of strings' "see docs/normalize-rules.md" -- "$BIN" normalize --rules "$WORK/wrongtype.toml" fixtures/a/compile.json
mkdir -p "$WORK/scen" "$WORK/schemas"
cp "$SRC/tests/data/scenarios/widget.json" "$WORK/scen/"
jq '. + {"varients": []}' "$SRC/tests/data/scenarios/widget.json" >"$WORK/scen/widget.json"
row "scenario with an unknown key" 2 "refused with file, JSON Pointer and the keys allowed" \
  'widget.json: /varients: unknown key "varients"' "rename or remove it" -- "$BIN" schemas --scenarios "$WORK/scen" --out "$WORK/schemas"
jq '.description = 5' "$SRC/tests/data/scenarios/widget.json" >"$WORK/scen/widget.json"
row "scenario with a wrong type" 2 "refused with file, JSON Pointer and the type wanted" \
  'widget.json: /description: must be a string, found integer' "see docs/scenario-format.md" -- "$BIN" schemas --scenarios "$WORK/scen" --out "$WORK/schemas"
[[ -z $(ls -A "$WORK/schemas") ]] && pass || fail "a refused scenario wrote a schema: $(ls "$WORK/schemas")"

# --- interruptions and concurrency ----------------------------------------------------------------
# wait_for_engine PATTERN: until the engine's process is up (at most 10 s).
wait_for_engine() {
  local i
  for ((i = 0; i < 100; i++)); do pgrep -f "$1" >/dev/null && return 0; sleep 0.1; done
  return 1
}
# interrupt SIGNAL SECONDS: a regen stopped by SIGNAL while the engine runs.
interrupt() {
  local signal=$1 duration=$2
  plan "args = [\"sleep\", \"$duration\"]"
  local fixtures_before pocs_before failures_before=$failures
  fixtures_before=$(tree_sum fixtures); pocs_before=$(tree_sum pocs)
  "$BIN" regen >out.txt 2>err.txt &
  local pid=$!
  wait_for_engine "$P/fake-rocky sleep $duration" && pass || fail "$signal: the engine never started"
  local start=$SECONDS
  kill "-$signal" "$pid"
  wait "$pid"
  rc=$?
  [[ $rc -eq 130 ]] && pass || fail "$signal: exit $rc, expected 130 ($(cat err.txt))"
  ((SECONDS - start < 5)) && pass || fail "$signal: took $((SECONDS - start)) s to stop"
  local what="interrupted: the engine was stopped, the sandboxes removed, and no fixture was changed"
  expect_contains err.txt "$what" "$signal: message"
  [[ $(tree_sum fixtures) == "$fixtures_before" ]] && pass || fail "$signal: a committed fixture changed"
  [[ $(tree_sum pocs) == "$pocs_before" ]] && pass || fail "$signal: a POC folder changed"
  [[ -z $(ls -A "$TMPDIR") ]] && pass || fail "$signal: sandboxes left: $(ls "$TMPDIR")"
  if pgrep -f "$P/fake-rocky sleep $duration" >/dev/null; then fail "$signal: the engine was left running"; else pass; fi
  local verdict="unchanged"
  ((failures > failures_before)) && verdict="**FAILED**"
  printf '| %s | %s | %s | `` %s `` / `` %s `` | %s |\n' "$signal mid-regen" "the engine's process group is killed at once, sandboxes removed" \
    130 "interrupted: the engine was stopped" "no fixture was changed" "$verdict" >>"$ROWS"
}
interrupt INT 41
interrupt TERM 42

plan 'args = ["sleep", "43"]'
mkdir -p "$WORK/tmp-first"  # its sandbox, apart from the second's
TMPDIR="$WORK/tmp-first" "$BIN" regen >"$WORK/first.out" 2>"$WORK/first.err" &
first=$!
wait_for_engine "$P/fake-rocky sleep 43" && pass || fail "two regens: the first never started"
row "two regens at once" 2 "the second is refused at once; the first goes on" \
  "another fixturegen regen is running on this output dir" "wait for it to finish (or stop it) and run again" -- regen
kill -INT "$first"; wait "$first"
[[ -z $(ls -A "$WORK/tmp-first") ]] && pass || fail "two regens: the first left its sandbox"

# --- disk full while writing fixtures ----------------------------------------------------------------
# The project on a 4 MB tmpfs, filled to leave ~1 MB: a 3 MB capture cannot
# be staged. Needs mount (root, or a user namespace via unshare).
disk_full() {
  local mnt="$WORK/small-disk" script="$WORK/disk_full.sh"
  mkdir -p "$mnt"
  cat >"$script" <<EOF
set -u
mount -t tmpfs -o size=4m tmpfs "$mnt" || exit 99
cp -a "$P/." "$mnt/"
rm -rf "$mnt/.fixturegen"
cd "$mnt"
printf '%s\n' 'output = "a"' '' '[[step]]' 'capture = "compile"' 'args = ["huge", "3"]' >pocs/a/capture.toml
avail=\$(df --output=avail -B1 . | tail -1)
head -c \$((avail - (1 << 20))) /dev/zero >filler 2>/dev/null
before_fixtures=\$(cd fixtures && find . -type f -exec sha256sum {} + | LC_ALL=C sort | sha256sum)
before_pocs=\$(cd pocs && find . -type f -exec sha256sum {} + | LC_ALL=C sort | sha256sum)
"$BIN" regen >"$WORK/out.txt" 2>"$WORK/err.txt"
echo \$? >"$WORK/rc.txt"
after_fixtures=\$(cd fixtures && find . -type f -exec sha256sum {} + | LC_ALL=C sort | sha256sum)
after_pocs=\$(cd pocs && find . -type f -exec sha256sum {} + | LC_ALL=C sort | sha256sum)
[[ \$before_fixtures == "\$after_fixtures" ]] && echo same >"$WORK/fixtures_same.txt"
[[ \$before_pocs == "\$after_pocs" ]] && echo same >"$WORK/pocs_same.txt"
ls -A fixtures/a >"$WORK/fixture_files.txt"
cd /
umount "$mnt"
EOF
  local runner=(bash "$script")
  if ! bash -c "mount -t tmpfs -o size=1m tmpfs '$mnt' && umount '$mnt'" 2>/dev/null; then
    runner=(unshare --map-root-user --mount bash "$script")
  fi
  rm -f "$WORK"/{rc,fixtures_same,pocs_same}.txt
  local failures_before=$failures
  if ! "${runner[@]}"; then
    fail "disk full: could not mount a small tmpfs (needs root or user namespaces): $(cat "$WORK/err.txt" 2>/dev/null)"
    return
  fi
  local got; got=$(cat "$WORK/rc.txt")
  [[ $got == 3 ]] && pass || fail "disk full: exit $got, expected 3: $(cat "$WORK/err.txt")"
  cat "$WORK/out.txt" "$WORK/err.txt" >"$WORK/all.txt"
  expect_contains "$WORK/all.txt" "No space left on device" "disk full: the cause is named"
  expect_contains "$WORK/all.txt" "compile.json" "disk full: the file is named"
  [[ -f $WORK/fixtures_same.txt ]] && pass || fail "disk full: a committed fixture changed"
  [[ -f $WORK/pocs_same.txt ]] && pass || fail "disk full: a POC folder changed"
  [[ $(cat "$WORK/fixture_files.txt") == "compile.json" ]] && pass || fail "disk full: left in fixtures/a: $(cat "$WORK/fixture_files.txt")"
  [[ -z $(ls -A "$TMPDIR") ]] && pass || fail "disk full: sandboxes left: $(ls "$TMPDIR")"
  local verdict="unchanged"
  ((failures > failures_before)) && verdict="**FAILED**"
  printf '| %s | %s | %s | `` %s `` / `` %s `` | %s |\n' "disk full while writing fixtures (4 MB tmpfs)" \
    "the staged write fails; nothing is renamed over the committed fixture, no temp file left" 3 \
    "No space left on device" "compile.json" "$verdict" >>"$ROWS"
}
disk_full

# --- the table, and docs/reliability.md ----------------------------------------------------------
doc="$SRC/docs/reliability.md"
{
  echo '| Fault | Observed behaviour | Exit | Message: what failed / what to do | Fixtures, POCs |'
  echo '|---|---|---|---|---|'
  cat "$ROWS"
} >"$WORK/table.md"
cat "$WORK/table.md"
awk '/<!-- fault-matrix:begin -->/{skip=1; next} /<!-- fault-matrix:end -->/{skip=0; next} skip' "$doc" >"$WORK/doc-table.md"
if [[ ${FIXTUREGEN_UPDATE_DOCS:-} == 1 ]]; then
  awk -v table="$WORK/table.md" '
    /<!-- fault-matrix:begin -->/{print; while ((getline line < table) > 0) print line; skip=1; next}
    /<!-- fault-matrix:end -->/{skip=0}
    !skip' "$doc" >"$WORK/doc.new" && cat "$WORK/doc.new" >"$doc"
  echo "docs/reliability.md: table rewritten" >&2
elif diff -u "$WORK/doc-table.md" "$WORK/table.md" >"$WORK/doc.diff"; then
  pass
else
  fail "docs/reliability.md's fault table is out of date; rerun with FIXTUREGEN_UPDATE_DOCS=1 (diff: $(cat "$WORK/doc.diff"))"
fi

echo "fault matrix: $(wc -l <"$ROWS") rows, $checks checks passed, $failures failed"
[[ $failures -eq 0 ]]
