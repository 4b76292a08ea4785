#!/usr/bin/env bash
# End-to-end: `fixturegen diff` through the built binary ($FIXTUREGEN_BINARY):
# two files, two directories, --against on a temporary git repository
# (commit captures, modify them, diff against HEAD and an older revision),
# not-a-repository and unknown revisions as clear errors, exit codes as
# diff(1) (0 same, 1 different, 2 trouble), NO_COLOR and --color, --format json.
set -u

BIN="${FIXTUREGEN_BINARY:-}"
if [[ -z "$BIN" || ! -x "$BIN" ]]; then
  echo "FIXTUREGEN_BINARY must name the built fixturegen binary (got '$BIN')" >&2
  exit 1
fi
BIN="$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")"  # the script changes directory
if ! command -v git >/dev/null; then
  echo "git is required (scripts/setup.sh installs it)" >&2
  exit 1
fi

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_scratch diff
cd "$WORK" || exit 1

# ---- two files ---------------------------------------------------------------
printf '{\n  "rows": 1,\n  "rate": 1\n}\n' > a.json
printf '{\n  "rows": 1,\n  "rate": 1\n}\n' > same.json
printf '{\n  "rows": 2,\n  "rate": 1.0\n}\n' > b.json
printf '{\n  "rate": 1,\n  "rows": 1\n}\n' > reordered.json
printf '{\n  "rows": 1,\n  "rate":\n' > broken.json

expect_rc 0 "identical files" "$BIN" diff a.json same.json
expect_contains out.txt "0 changed" "identical files: summary"
expect_rc 1 "different files" "$BIN" diff a.json b.json
expect_contains out.txt "~ /rows: 1 → 2" "value change line"
expect_contains out.txt "! /rate: integer → number: 1 → 1.0" "type change line"
expect_contains out.txt "/rate integer → number in 1 file" "summary by cause"
expect_rc 1 "key reorder" "$BIN" diff a.json reordered.json
expect_contains out.txt '↕ (root): key order ["rows","rate"] → ["rate","rows"]' "key reorder reported as such"
expect_rc 2 "unparsable file is trouble" "$BIN" diff a.json broken.json
expect_contains err.txt "broken.json:4:1:" "parse error names file, line, column"
expect_rc 2 "missing file is trouble" "$BIN" diff a.json nope.json
expect_contains err.txt "nope.json does not exist" "missing file named"
mkdir -p dir_a
expect_rc 2 "file against directory" "$BIN" diff a.json dir_a
expect_rc 2 "bad flag is trouble" "$BIN" diff --color sometimes a.json b.json

# ---- colour ------------------------------------------------------------------
expect_rc 1 "--color always" "$BIN" diff --color always a.json b.json
if grep -q $'\x1b\[' out.txt; then pass; else fail "--color always printed no ANSI colour"; fi
expect_rc 1 "NO_COLOR with --color always still colours" env NO_COLOR=1 "$BIN" diff --color always a.json b.json
if grep -q $'\x1b\[' out.txt; then pass; else fail "--color always must win over NO_COLOR"; fi
expect_rc 1 "auto off a terminal" "$BIN" diff a.json b.json
if grep -q $'\x1b\[' out.txt; then fail "colour written to a pipe"; else pass; fi
if command -v script >/dev/null; then
  # On a terminal (script(1) gives one): coloured, unless NO_COLOR is set.
  script -qec "\"$BIN\" diff a.json b.json" /dev/null > tty.txt 2>&1
  if grep -q $'\x1b\[' tty.txt; then pass; else fail "no colour on a terminal: $(head -c 300 tty.txt)"; fi
  NO_COLOR=1 script -qec "\"$BIN\" diff a.json b.json" /dev/null > tty.txt 2>&1
  if grep -q $'\x1b\[' tty.txt; then fail "colour on a terminal despite NO_COLOR"; else pass; fi
else
  echo "note: script(1) missing; the terminal colour checks were not run" >&2
fi

# ---- two directories -------------------------------------------------------------
mkdir -p old/poc new/poc
for i in 1 2 3; do
  printf '{"materializations": [{"name": "m%s"}], "duration_ms": %s}\n' "$i" "$i" > "old/poc/run$i.json"
  printf '{"materializations": [{"name": "m%s", "attempts": 1}], "duration_ms": %s}\n' "$i" "$((i * 10))" > "new/poc/run$i.json"
done
echo '{}' > old/poc/gone.json
echo '{}' > new/poc/added.json
expect_rc 1 "directories" "$BIN" diff old new
expect_contains out.txt "old → new: 3 changed, 1 added, 1 removed, 0 same (5 files); 3 rule-owned changes hidden (--all shows them)" "directory headline"
expect_contains out.txt "/materializations/*/attempts added in 3 files" "grouped cause with folded index"
expect_contains out.txt "removed poc/gone.json" "removed file"
expect_contains out.txt "added poc/added.json" "added file"
expect_not_contains out.txt "/duration_ms:" "rule-owned duration hidden"
expect_rc 1 "directories --all" "$BIN" diff --all old new
expect_contains out.txt "~ /duration_ms: 1 → 10  (rule-owned)" "--all shows rule-owned changes"
expect_rc 1 "--format json" "$BIN" diff --format json old new
if python3 -c 'import json,sys; r=json.load(open("out.txt")); assert r["verdict"]=="different" and r["summary"]["added"]==1, r' 2>py.txt; then pass; else fail "--format json: $(cat py.txt)"; fi

# Only rule-owned changes: the same (exit 0), yet said so.
mkdir -p owned_a owned_b
echo '{"duration_ms": 1, "rows": 5}' > owned_a/x.json
echo '{"duration_ms": 2, "rows": 5}' > owned_b/x.json
expect_rc 0 "only rule-owned changes" "$BIN" diff owned_a owned_b
expect_contains out.txt "1 rule-owned change hidden" "hidden count"
: > empty_rules.toml
expect_rc 1 "a rules file without the duration rule shows it" "$BIN" diff --rules empty_rules.toml owned_a owned_b

# ---- --against on a temporary git repository -----------------------------------
expect_rc 2 "not a git repository" "$BIN" diff --against HEAD
expect_contains err.txt "not a git repository" "not-a-repository named"

repo="$WORK/repo"
mkdir -p "$repo/fixtures_generated/poc" && cd "$repo" || exit 1
git init -q . && git config user.email t@example.com && git config user.name test
printf '{\n  "status": "ok",\n  "rows": 3,\n  "columns": ["a", "b"]\n}\n' > fixtures_generated/poc/run.json
printf '{\n  "checks": []\n}\n' > fixtures_generated/poc/check.json
printf '{\n  "x": 1\n}\n' > fixtures_generated/poc/old.json
git add -A && git commit -qm "captures" || { fail "git commit"; exit 1; }

expect_rc 0 "clean working tree" "$BIN" diff
expect_contains out.txt "HEAD → working tree: 0 changed, 0 added, 0 removed, 3 same (3 files)" "clean tree counted"

printf '{\n  "status": "ok",\n  "rows": 4,\n  "columns": ["a", "b", "c"]\n}\n' > fixtures_generated/poc/run.json
printf '{\n  "y": 1\n}\n' > fixtures_generated/poc/new.json
rm fixtures_generated/poc/old.json
expect_rc 1 "modified working tree" "$BIN" diff --against HEAD
expect_contains out.txt "HEAD → working tree: 1 changed, 1 added, 1 removed, 1 same (4 files)" "--against headline"
expect_contains out.txt "changed fixtures_generated/poc/run.json" "changed file by its path"
expect_contains out.txt "~ /rows: 3 → 4" "value read from git"
expect_contains out.txt "# /columns: length 2 → 3" "array length from git"
expect_contains out.txt "removed fixtures_generated/poc/old.json" "file deleted from the working tree"
expect_contains out.txt "added fixtures_generated/poc/new.json" "file not yet committed"

git add -A && git commit -qm "second" || fail "git commit 2"
expect_rc 0 "after commit, HEAD is the same" "$BIN" diff
expect_rc 1 "against HEAD~1" "$BIN" diff --against HEAD~1 fixtures_generated/poc/run.json
expect_contains out.txt "1 changed, 0 added, 0 removed, 0 same (1 file)" "single path against an older revision"
# From a subdirectory, paths are relative to it, as git's are.
(cd fixtures_generated && "$BIN" diff --against HEAD~1 poc >../out.txt 2>../err.txt); rc=$?
if [[ $rc -eq 1 ]] && grep -qF "changed poc/run.json" out.txt; then pass; else fail "from a subdirectory: exit $rc $(cat out.txt err.txt | head -c 500)"; fi
mkdir -p deep/er
(cd deep/er && "$BIN" diff --against HEAD~1 ../../fixtures_generated >../../out.txt 2>../../err.txt); rc=$?
if [[ $rc -eq 1 ]] && grep -qF "changed ../../fixtures_generated/poc/run.json" out.txt && grep -qF "1 changed, 1 added, 1 removed, 1 same (4 files)" out.txt; then
  pass; else fail "paths above the working directory: exit $rc $(cat out.txt err.txt | head -c 600)"; fi
expect_rc 2 "unknown revision" "$BIN" diff --against no-such-rev
expect_contains err.txt "unknown revision 'no-such-rev'" "unknown revision named"
expect_rc 2 "no captures under the path" "$BIN" diff --against HEAD nothing-here
expect_contains err.txt "no *.json captures under nothing-here" "empty path named"

# ---- pending captures: review, accept, reject ------------------------------------
cd "$WORK" && mkdir -p pend/fixtures_generated/poc && cd pend || exit 1
echo '{"rows": 1}' > fixtures_generated/poc/a.json
echo '{"rows": 2}' > fixtures_generated/poc/a.json.new
echo '{"new": 1}' > fixtures_generated/poc/b.json.new
echo '{"same": 1}' > fixtures_generated/poc/c.json
expect_rc 1 "review with pending changes" "$BIN" review
expect_contains out.txt "committed → pending: 1 changed, 1 added, 0 removed, 0 same (2 files)" "review headline"
expect_contains out.txt "~ /rows: 1 → 2" "review shows the semantic diff"
expect_rc 2 "accept with a glob matching nothing" "$BIN" accept 'nothing*'
expect_contains err.txt "no pending capture matches 'nothing*'" "unmatched glob named"
expect_rc 0 "accept one by glob" "$BIN" accept 'poc/a*'
if [[ "$(cat fixtures_generated/poc/a.json)" == '{"rows": 2}' && ! -e fixtures_generated/poc/a.json.new ]]; then pass; else fail "accept did not promote a.json.new"; fi
[[ -e fixtures_generated/poc/b.json.new ]] && pass || fail "accept touched a capture its glob did not match"
expect_rc 0 "reject the rest" "$BIN" reject
if [[ ! -e fixtures_generated/poc/b.json.new && ! -e fixtures_generated/poc/b.json ]]; then pass; else fail "reject left b.json.new or created b.json"; fi
expect_rc 0 "review with nothing pending" "$BIN" review
expect_contains err.txt "no pending captures" "nothing pending said"

echo "diff_cli: $checks checks passed, $failures failed"
[[ $failures -eq 0 ]]
