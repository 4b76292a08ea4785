#!/usr/bin/env bash
# End-to-end: the pending workflow (docs/diff.md) on a small project with a
# fake engine: `regen --pending` writes NAME.json.new only for captures whose
# bytes change and records them in the lock; `status` and `review` show
# them; `accept` and `reject` change the captures, the .new files and the
# lock together; a normal regen removes the stale .new files it wrote and no
# others. Interrupts (SIGINT) at the test-only pause points between two files
# and before the commit, and at random moments, leave the output dir (lock
# included) all old or all new.
set -u

BIN="${FIXTUREGEN_BINARY:-}"
[[ -n "$BIN" && "$BIN" != /* ]] && BIN="$PWD/$BIN"
if [[ -z "$BIN" || ! -x "$BIN" ]]; then
  echo "FIXTUREGEN_BINARY must name the built fixturegen binary (got '$BIN')" >&2
  exit 1
fi
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_scratch pending
export TMPDIR="$WORK/tmp"
mkdir -p "$TMPDIR"

# One checksum over every file of DIR (hidden temp files too): path and bytes.
tree_sum() {
  (cd "$1" && find . -type f | LC_ALL=C sort | while read -r f; do echo "$f $(sha256sum <"$f")"; done) | sha256sum
}
# lock_query PY_EXPR: evaluates PY_EXPR with `lock` (fixtures/fixturegen.lock, parsed),
# `captures` (file -> entry) and `sha(path)`; prints the result.
lock_query() {
  python3 - "$1" <<'PY'
import hashlib, json, sys
lock = json.load(open("fixtures/fixturegen.lock"))
captures = {c["file"]: c for p in lock["pocs"] for c in p["captures"]}
pocs = {p["poc"]: p for p in lock["pocs"]}
sha = lambda path: hashlib.sha256(open(path, "rb").read()).hexdigest()
print(eval(sys.argv[1]))
PY
}
expect_lock() {  # PY_EXPR DESCRIPTION: PY_EXPR must be True
  local got
  got="$(lock_query "$1" 2>&1)"
  if [[ "$got" == "True" ]]; then pass; else fail "$2: $1 -> $got"; fi
}

P="$WORK/project"
mkdir -p "$P/pocs/a" "$P/pocs/b"
cd "$P" || exit 1
cat >fake-rocky <<'SH'
#!/usr/bin/env bash
case "$1" in
  --version) echo "fake-rocky 1.0.0" ;;
  run) printf '{"command":"run","rows":%s}\n' "$(cat rows.txt)" ;;
  doctor) printf '{"command":"doctor","checked":%s,"status":"ok"}\n' "$(cat rows.txt)" ;;
  same) echo '{"command":"same","ok":true}' ;;
  *) exit 2 ;;
esac
SH
chmod +x fake-rocky
cat >fixturegen.toml <<'TOML'
output = "fixtures"
pocs = ["pocs/a", "pocs/b"]

[engine]
command = "./fake-rocky"

[normalize]
profile = "rocky-current"
TOML
cat >pocs/a/capture.toml <<'TOML'
output = "a"

[[step]]
capture = "run"
args = ["run"]

[[step]]
capture = "doctor"
args = ["doctor"]

[[step]]
capture = "same"
args = ["same"]
TOML
cat >pocs/b/capture.toml <<'TOML'
output = "b"

[[step]]
capture = "run"
args = ["run"]
TOML
echo 1 >pocs/a/rows.txt
echo 7 >pocs/b/rows.txt

# ---- a committed corpus, then an engine change reviewed as pending ---------------------------
expect_rc 0 "first regen" "$BIN" regen -j 1
expect_rc 0 "status after regen" "$BIN" status
expect_rc 2 "--pending with --check" "$BIN" regen --pending --check
echo 2 >pocs/a/rows.txt
COMMITTED_RUN="$(cat fixtures/a/run.json)"
expect_rc 0 "regen --pending" "$BIN" regen --pending -j 1
expect_contains err.txt "2 pending review" "summary counts the pending captures"
expect_contains err.txt "fixturegen review" "summary says what to do next"
[[ -f fixtures/a/run.json.new && -f fixtures/a/doctor.json.new ]] && pass || fail "regen --pending wrote no .new for changed captures"
[[ ! -e fixtures/a/same.json.new && ! -e fixtures/b/run.json.new ]] && pass || fail "regen --pending wrote a .new for an identical capture"
[[ "$(cat fixtures/a/run.json)" == "$COMMITTED_RUN" ]] && pass || fail "regen --pending changed a committed capture"
expect_contains fixtures/a/run.json.new '"rows": 2' "the .new file holds the new capture"
expect_lock 'captures["a/run.json"]["pending"]["sha256"] == sha("fixtures/a/run.json.new")' "lock: pending sha256"
expect_lock 'captures["a/run.json"]["sha256"] == sha("fixtures/a/run.json")' "lock: committed record kept"
expect_lock 'captures["a/run.json"]["pending"]["command"] == "fake-rocky run" and captures["a/run.json"]["pending"]["exit_code"] == 0' "lock: pending command and exit code"
expect_lock '"pending" not in captures["a/same.json"] and "pending" in pocs["pocs/a"] and "pending" not in pocs["pocs/b"]' "lock: only changed captures and their POC pending"

expect_rc 1 "status with pending captures" "$BIN" status
expect_contains out.txt "pending   fixtures/a/run.json  (regen --pending left a/run.json.new" "status names the pending capture"
expect_contains out.txt "pending   fixtures/a/doctor.json" "status names every pending capture"
expect_rc 1 "review (the plan's output dir, fixtures/)" "$BIN" review
expect_contains out.txt "~ /rows: 1 → 2" "review shows the semantic diff"
expect_rc 2 "review with a plan that does not load" "$BIN" review --config missing.toml
expect_contains err.txt "missing.toml" "review names the plan it could not read"

# ---- interrupts leave everything all old ----------------------------------------------------
BEFORE="$(tree_sum fixtures)"
FIFO="$WORK/pause"
mkfifo "$FIFO"
# interrupt_at POINT: accept stops at the test-only pause POINT; SIGINT it there.
interrupt_at() {
  FIXTUREGEN_TEST_PAUSE="$1:$FIFO" "$BIN" accept --dir fixtures >out.txt 2>err.txt &
  local pid=$!
  # Opening the FIFO for writing returns once accept has opened it to read,
  # i.e. once it waits at the pause point.
  if timeout 20 bash -c 'exec 3>"$1"; kill -INT "$2"; sleep 0.2' _ "$FIFO" "$pid"; then :; else
    fail "accept never reached the pause point $1"; kill -KILL "$pid" 2>/dev/null
  fi
  wait "$pid"; rc=$?
  if [[ $rc -eq 130 ]]; then pass; else fail "interrupted at $1: exit $rc, expected 130 ($(head -c 600 err.txt))"; fi
  if [[ "$(tree_sum fixtures)" == "$BEFORE" ]]; then pass; else fail "interrupted at $1: the output dir changed"; fi
}
interrupt_at accept-staged-1
expect_contains err.txt "no pending capture was accepted, and the lock is as it was" "interrupt message"
interrupt_at accept-commit

# Random moments: the run ends all old (exit 130, or 143 for a SIGTERM
# before the handler is installed) or all new (the commit had begun, or the
# signal came before the handler: a background job of a script ignores
# SIGINT until then; exit 0), never in between.
cp -a fixtures "$WORK/pending-corpus"
"$BIN" accept --dir fixtures >/dev/null 2>&1 || fail "uninterrupted accept"
AFTER="$(tree_sum fixtures)"
[[ "$AFTER" != "$BEFORE" ]] && pass || fail "accept changed nothing"
old=0; new=0
# A signal can reach the forked shell before it execs the binary; with the
# EXIT trap inherited, that shell would run e2e_cleanup and remove $WORK.
trap - EXIT
for delay in 0 0.001 0.002 0.003 0.005 0.008 0.01 0.015 0.02 0.03 0.05 0.08; do
  for signal in INT TERM; do
    rm -rf fixtures && cp -a "$WORK/pending-corpus" fixtures
    "$BIN" accept --dir fixtures >/dev/null 2>&1 &
    pid=$!
    sleep "$delay"; kill -"$signal" "$pid" 2>/dev/null
    wait "$pid"; rc=$?
    sum="$(tree_sum fixtures)"
    if [[ "$sum" == "$BEFORE" && ( $rc -eq 130 || $rc -eq 143 ) ]]; then old=$((old + 1)); pass
    elif [[ "$sum" == "$AFTER" && ( $rc -eq 0 || $rc -eq 130 ) ]]; then new=$((new + 1)); pass
    else fail "SIG$signal after ${delay}s: exit $rc and a state that is neither all old nor all new"; fi
  done
done
trap e2e_cleanup EXIT
echo "random interrupts: $old all old, $new all new"
rm -rf fixtures && cp -a "$WORK/pending-corpus" fixtures

# ---- accept one, reject the other ------------------------------------------------------------
# Not while a regen holds the output dir (regen's flock on the directory).
flock fixtures sleep 3 &
holder=$!
sleep 0.5
expect_rc 2 "accept while the output dir is locked" "$BIN" accept --dir fixtures
expect_rc 2 "reject while the output dir is locked" "$BIN" reject --dir fixtures
wait "$holder"
if [[ "$(tree_sum fixtures)" == "$BEFORE" ]]; then pass; else fail "a refused accept or reject changed the output dir"; fi
expect_rc 0 "accept by glob" "$BIN" accept --dir fixtures 'a/run*'
expect_contains err.txt "the lock records them" "accept says the lock was updated"
expect_contains fixtures/a/run.json '"rows": 2' "accepted capture promoted"
[[ ! -e fixtures/a/run.json.new && -e fixtures/a/doctor.json.new ]] && pass || fail "accept removed the wrong .new files"
expect_lock 'captures["a/run.json"]["sha256"] == sha("fixtures/a/run.json") and "pending" not in captures["a/run.json"]' "lock: accepted record"
expect_lock '"pending" in captures["a/doctor.json"] and "pending" in pocs["pocs/a"]' "lock: the other still pending"
expect_rc 0 "reject the rest (the plan's output dir, no --dir)" "$BIN" reject
[[ ! -e fixtures/a/doctor.json.new ]] && pass || fail "reject left doctor.json.new"
expect_contains fixtures/a/doctor.json '"checked": 1' "reject kept the committed capture"
expect_lock '"pending" not in captures["a/doctor.json"] and "pending" not in pocs["pocs/a"]' "lock: nothing pending after reject"
expect_rc 1 "status after a reject" "$BIN" status
expect_contains out.txt "stale     fixtures/a/doctor.json  (the POC's files changed)" "a rejected change leaves the POC stale"

# ---- a normal regen removes the stale .new files it wrote, and no others ----------------------
echo 3 >pocs/a/rows.txt
expect_rc 0 "regen --pending again" "$BIN" regen --pending
echo '{"hand": "made"}' >fixtures/b/run.json.new
echo '{"not": "a capture"}' >fixtures/notes.json.new
echo 2 >pocs/a/rows.txt
expect_rc 0 "regen --pending with the doctor output back to its committed bytes" "$BIN" regen --pending
expect_contains err.txt "fixtures/b/run.json.new was left" "regen --pending warns about a .new it did not write"
expect_contains err.txt "removed stale pending capture fixtures/a/run.json.new" "regen --pending removes its own stale .new"
[[ ! -e fixtures/a/run.json.new ]] && pass || fail "an identical capture kept its stale .new"
expect_contains fixtures/a/doctor.json.new '"checked": 2' "the changed capture is pending again"
expect_rc 0 "a normal regen" "$BIN" regen
expect_contains err.txt "removed stale pending capture fixtures/a/doctor.json.new" "regen says what it removed"
expect_contains err.txt "fixtures/b/run.json.new was left: it is stale beside its capture, but regen --pending did not write it" "regen warns about a .new it did not write"
[[ ! -e fixtures/a/doctor.json.new ]] && pass || fail "regen left its own stale .new"
[[ -e fixtures/b/run.json.new && -e fixtures/notes.json.new ]] && pass || fail "regen removed a .new it did not write"
expect_rc 1 "status with an unrecorded .new" "$BIN" status
expect_contains out.txt "b/run.json.new is there, but regen --pending did not record it" "status tells unrecorded .new files apart"
# A symlinked .new would promote bytes from anywhere into a committed fixture.
echo '{"from": "outside"}' >"$WORK/outside.json"
ln -s "$WORK/outside.json" fixtures/a/linked.json.new
BEFORE_LINK="$(tree_sum fixtures)"
expect_rc 1 "accept refuses a symlinked .new" "$BIN" accept 'a/linked*'
expect_contains err.txt "a/linked.json.new is a symbolic link" "accept names the link"
[[ "$(tree_sum fixtures)" == "$BEFORE_LINK" && ! -e fixtures/a/linked.json ]] && pass || fail "a refused symlinked .new changed the output dir"
rm fixtures/a/linked.json.new
expect_rc 0 "reject the hand-made ones" "$BIN" reject --dir fixtures
expect_rc 0 "status clean" "$BIN" status

# ---- a new capture exists only pending until accepted -----------------------------------------
printf '\n[[step]]\ncapture = "extra"\nargs = ["same"]\n' >>pocs/b/capture.toml
expect_rc 0 "regen --pending with a new step" "$BIN" regen --pending
[[ -e fixtures/b/extra.json.new && ! -e fixtures/b/extra.json ]] && pass || fail "new capture not pending"
expect_lock '"sha256" not in captures["b/extra.json"] and captures["b/extra.json"]["pending"]["sha256"] == sha("fixtures/b/extra.json.new")' "lock: a pending-only capture"
expect_rc 0 "accept the new capture" "$BIN" accept --dir fixtures
expect_lock 'captures["b/extra.json"]["sha256"] == sha("fixtures/b/extra.json") and "pending" not in pocs["pocs/b"]' "lock: the new capture committed, the POC's run its own"
expect_rc 0 "status after accepting everything" "$BIN" status
expect_rc 0 "regen --check agrees" "$BIN" regen --check

# ---- a step dropped while its capture is pending: a full regen removes its recorded .new -------
# with the orphan capture (both written by fixturegen, the lock says so), never an unrecorded one.
echo 5 >pocs/a/rows.txt
cp pocs/a/capture.toml "$WORK/a-capture.toml"
printf '\n[[step]]\ncapture = "brand_new"\nargs = ["run"]\n' >>pocs/a/capture.toml
expect_rc 0 "regen --pending before the steps are dropped" "$BIN" regen --pending
[[ -e fixtures/a/doctor.json.new && -e fixtures/a/brand_new.json.new ]] && pass || fail "no pending doctor / brand_new capture"
echo '{"hand": "made"}' >fixtures/a/gone.json.new
python3 - <<'PY'
s = open("pocs/a/capture.toml").read().split("[[step]]")
open("pocs/a/capture.toml", "w").write("[[step]]".join(p for p in s if '"doctor"' not in p and '"brand_new"' not in p))
PY
expect_rc 0 "a full regen after dropping the doctor and brand_new steps" "$BIN" regen
[[ ! -e fixtures/a/doctor.json ]] && pass || fail "the orphan capture was kept"
[[ ! -e fixtures/a/doctor.json.new ]] && pass || fail "regen left the recorded .new of a capture no step produces (nothing records it any more)"
[[ ! -e fixtures/a/brand_new.json.new ]] && pass || fail "regen left the recorded .new of a pending-only capture no step produces"
[[ -e fixtures/a/gone.json.new ]] && pass || fail "regen removed a .new it did not write"
expect_contains err.txt "removed stale pending capture fixtures/a/doctor.json.new" "regen says it removed the dropped capture's .new"
rm fixtures/a/gone.json.new
expect_rc 0 "status after dropping the steps" "$BIN" status
cp "$WORK/a-capture.toml" pocs/a/capture.toml

echo "pending_cli: $checks checks passed, $failures failed"
[[ $failures -eq 0 ]]
