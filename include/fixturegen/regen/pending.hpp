#pragma once

// Pending captures on disk and in the lock (docs/diff.md, "Pending review").
// `regen --pending` writes FILE.new beside each capture whose bytes would
// change (all or nothing per POC, as regen) and records it in the lock;
// `accept` promotes FILE.new over FILE and `reject` deletes it, each in one
// io::StagedWrites batch together with the updated lock, so the captures
// and the lock change together or not at all. Finding and diffing the
// .new files is diff/pending.hpp.

#include <fixturegen/core/error.hpp>
#include <fixturegen/diff/pending.hpp>
#include <fixturegen/regen/lock_file.hpp>
#include <fixturegen/regen/preflight.hpp>
#include <fixturegen/regen/regen.hpp>
#include <fixturegen/regen/runner.hpp>

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace fixturegen::regen {

// "poc/run.json" -> "poc/run.json.new"
std::string pending_file(std::string_view capture_file);

// --pending: for every capture of a successful POC whose bytes differ from
// the committed file (or that has none), stages FILE.new; an identical one
// gets none, and a FILE.new an earlier --pending left for it (the lock
// records it) is removed. Commits everything unless interrupted, then writes
// the lock (next_pending_lock). Committed captures and orphans are never
// touched: orphans are reported in `orphans_kept`.
Expected<WriteSummary> write_pending_captures(const ResolvedPlan& plan, const std::vector<PocRun>& runs);

// The lock after a --pending run: a run POC with no pending capture gets a
// new entry as after a normal regen; one with pending captures keeps its
// committed records (an identical capture's record is renewed) and gains
// a PendingRecord per FILE.new and the run's PendingRun. `pending_files`:
// the captures (relative to the output dir) written as FILE.new.
LockFile next_pending_lock(const ResolvedPlan& plan, const std::vector<PocRun>& runs,
                           const std::vector<std::string>& pending_files);

// Lock updates for accept and reject (pure; `file` relative to the output dir).
// accept: when `file` has a pending record of `sha256`, that record becomes
// its committed one and true is returned; when no capture of its POC is
// pending any more, the POC's PendingRun becomes its own. False (nothing
// changed): the lock has no such record, e.g. a FILE.new edited after regen.
bool accept_in_lock(LockFile& lock, std::string_view file, std::string_view sha256);
// reject: drops `file`'s pending record (a capture that exists only pending
// goes) and its POC's PendingRun. False when there was no record.
bool reject_in_lock(LockFile& lock, std::string_view file);

struct PendingOutcome {
  std::size_t promoted = 0;  // accept: FILE.new made FILE
  std::size_t removed = 0;   // reject: FILE.new deleted
  // FILE.new files the lock has no matching record for (not written by
  // regen --pending, or edited since): for accept, the lock keeps the old
  // record (status then calls the capture modified).
  std::vector<std::string> unrecorded;
  bool lock_updated = false;
};

// `pending` found under `output_dir` (diff::find_pending on it, so each
// name is relative to it); the lock is output_dir/fixturegen.lock when it
// exists. Every FILE.new is read and checked to be JSON first; then the
// targets, the lock and the removals of the .new files are staged into one
// batch and committed in that order, stopping at the first failure (so a
// failed write never loses its FILE.new; running accept again finishes the
// job). Before the commit an interrupt changes nothing (exit 130); the
// commit itself is not interruptible. Test-only pause points
// (io/test_pause.hpp): "accept-staged-N" before the (N+1)-th file is read,
// N >= 1, and "accept-commit"; likewise "reject-staged-N", "reject-commit".
Expected<PendingOutcome> accept_pending(const std::filesystem::path& output_dir,
                                        const std::vector<diff::PendingCapture>& pending);
// Deletes each FILE.new and drops its record, in one batch; FILE is never touched.
Expected<PendingOutcome> reject_pending(const std::filesystem::path& output_dir,
                                        const std::vector<diff::PendingCapture>& pending);

}  // namespace fixturegen::regen
