#include <fixturegen/core/interrupt.hpp>
#include <fixturegen/core/sha256.hpp>
#include <fixturegen/io/file.hpp>
#include <fixturegen/io/test_pause.hpp>
#include <fixturegen/json/document.hpp>
#include <fixturegen/regen/pending.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <memory>
#include <system_error>

namespace fixturegen::regen {

namespace fs = std::filesystem;

namespace {

LockedCapture committed_record(const CapturedFile& capture) {
  LockedCapture record;
  record.file = capture.file;
  record.step = capture.step;
  record.command = capture.command;
  record.exit_code = capture.exit_code;
  record.sha256 = sha256_hex(capture.bytes);
  return record;
}

bool any_pending(const LockedPoc& poc) {
  return std::any_of(poc.captures.begin(), poc.captures.end(), [](const LockedCapture& c) { return c.pending.has_value(); });
}

// Many files of one commit may fail: one Error naming them all. With
// StopAtFirstFailure the first is the cause, the rest "not attempted".
Error commit_error(const io::CommitReport& report, std::string_view command) {
  std::string message = fmt::format("{}: {} of {} changes failed:", command, report.failed(), report.files.size());
  for (const Error& error : report.errors()) message += "\n  " + error.message;
  return Error::io(std::move(message), fmt::format("fix the cause and run `fixturegen {}` again: the files before the failure "
                                                   "were changed, the rest (the lock included) were not",
                                                   command));
}

}  // namespace

std::string pending_file(std::string_view capture_file) {
  return std::string(capture_file) + std::string(diff::kPendingSuffix);
}

// ---- regen --pending --------------------------------------------------------------

LockFile next_pending_lock(const ResolvedPlan& plan, const std::vector<PocRun>& runs,
                           const std::vector<std::string>& pending_files) {
  const auto is_pending = [&](const std::string& file) {
    return std::find(pending_files.begin(), pending_files.end(), file) != pending_files.end();
  };
  LockFile lock;
  lock.engine = plan.engine.stable_name;
  for (std::size_t i = 0; i < plan.pocs.size(); ++i) {
    const PocPlan& poc = plan.pocs[i];
    const LockedPoc* old = plan.lock ? plan.lock->find(poc.name) : nullptr;
    const auto run = std::find_if(runs.begin(), runs.end(), [&](const PocRun& r) { return r.poc == i && r.ok(); });
    if (run == runs.end()) {
      if (old) lock.pocs.push_back(*old);
      continue;
    }
    auto digest = poc_input_digest(poc);
    const std::int64_t old_duration = old ? (old->pending ? old->pending->duration_ms : old->duration_ms) : 0;
    const PendingRun fresh{digest ? *digest : std::string(), plan.engine_version, plan.rules_digest,
                           settled_duration(old_duration, run->duration.count())};
    LockedPoc entry;
    entry.name = poc.name;
    for (const CapturedFile& capture : run->captures) {
      if (!is_pending(capture.file)) {
        entry.captures.push_back(committed_record(capture));  // the file on disk is these bytes
        continue;
      }
      LockedCapture record;
      const LockedCapture* before = old ? old->find(capture.file) : nullptr;
      if (before && before->committed()) record = *before;
      record.file = capture.file;
      record.pending = PendingRecord{capture.step, capture.command, capture.exit_code, sha256_hex(capture.bytes)};
      entry.captures.push_back(std::move(record));
    }
    if (any_pending(entry)) {
      // The committed captures are still the old run's.
      if (old) {
        entry.input_digest = old->input_digest;
        entry.engine_version = old->engine_version;
        entry.rules_digest = old->rules_digest;
        entry.duration_ms = old->duration_ms;
      }
      entry.pending = fresh;
    } else {
      entry.input_digest = fresh.input_digest;
      entry.engine_version = fresh.engine_version;
      entry.rules_digest = fresh.rules_digest;
      entry.duration_ms = fresh.duration_ms;
    }
    lock.pocs.push_back(std::move(entry));
  }
  keep_earlier_files(plan, lock);
  return lock;
}

Expected<WriteSummary> write_pending_captures(const ResolvedPlan& plan, const std::vector<PocRun>& runs) {
  WriteSummary summary;
  const std::vector<std::string> recorded = plan.lock ? plan.lock->pending_files() : std::vector<std::string>();
  std::vector<std::string> pending_files;
  // One batch per POC, as regen: a POC whose staging fails is left out whole.
  std::vector<std::unique_ptr<io::StagedWrites>> staged;
  for (const PocRun& run : runs) {
    if (!run.ok()) continue;
    auto writes = std::make_unique<io::StagedWrites>();
    for (const CapturedFile& capture : run.captures) {
      const fs::path target = plan.output_dir / capture.file;
      const fs::path pending = plan.output_dir / pending_file(capture.file);
      std::error_code ec;
      bool identical = false;
      if (fs::exists(target, ec)) {
        auto committed = io::read_file(target);
        if (!committed) return std::move(committed).error();
        identical = *committed == capture.bytes;
      }
      if (identical) {
        // Nothing to review; a FILE.new an earlier --pending left is stale.
        if (!fs::exists(pending, ec)) continue;
        if (!std::binary_search(recorded.begin(), recorded.end(), capture.file)) {
          summary.pending_kept.push_back(pending_file(capture.file));  // not ours: left, reported
          continue;
        }
        auto removal = writes->stage_removal(pending);
        if (!removal) return std::move(removal).error();
        summary.pending_removed.push_back(pending_file(capture.file));
        continue;
      }
      auto changed = writes->stage(pending, capture.bytes);
      if (!changed) return std::move(changed).error();
      if (*changed) ++summary.changed;
      ++summary.pending;
      pending_files.push_back(capture.file);
    }
    summary.captures += run.captures.size();
    staged.push_back(std::move(writes));
  }
  // A pending regen changes no committed file: orphans are only reported.
  auto orphans = find_orphans(plan);
  if (!orphans) return std::move(orphans).error();
  summary.orphans_kept = std::move(*orphans);

  if (interrupted()) return summary;  // every FILE.new and the lock as they were
  auto committed =
      io::commit_each(staged, "the other pending captures were written; fix the cause and run regen --pending again");
  summary.committed = true;
  if (!committed) return std::move(committed).error();
  if (std::none_of(runs.begin(), runs.end(), [](const PocRun& run) { return run.ok(); })) return summary;
  const std::string lock_text = render_lock(next_pending_lock(plan, runs, pending_files));
  if (auto written = io::write_file_atomic(plan.output_dir / kLockFileName, lock_text); !written) return std::move(written).error();
  return summary;
}

// ---- the lock after accept and reject -----------------------------------------------

bool accept_in_lock(LockFile& lock, std::string_view file, std::string_view sha256) {
  LockedPoc* poc = lock.poc_of(file);
  LockedCapture* capture = poc ? poc->find(file) : nullptr;
  if (!capture || !capture->pending || capture->pending->sha256 != sha256) return false;
  const PendingRecord record = *capture->pending;
  capture->step = record.step;
  capture->command = record.command;
  capture->exit_code = record.exit_code;
  capture->sha256 = record.sha256;
  capture->pending.reset();
  if (poc->pending && !any_pending(*poc)) {
    // Every capture of the run that wrote them was accepted: its inputs are the POC's.
    poc->input_digest = poc->pending->input_digest;
    poc->engine_version = poc->pending->engine_version;
    poc->rules_digest = poc->pending->rules_digest;
    poc->duration_ms = poc->pending->duration_ms;
    poc->pending.reset();
  }
  return true;
}

bool reject_in_lock(LockFile& lock, std::string_view file) {
  LockedPoc* poc = lock.poc_of(file);
  LockedCapture* capture = poc ? poc->find(file) : nullptr;
  if (!capture || !capture->pending) return false;
  if (capture->committed()) {
    capture->pending.reset();
  } else {
    poc->captures.erase(poc->captures.begin() + (capture - poc->captures.data()));
  }
  // The corpus now deliberately differs from what that run made.
  poc->pending.reset();
  return true;
}

// ---- accept and reject ------------------------------------------------------------

Expected<PendingOutcome> accept_pending(const fs::path& output_dir, const std::vector<diff::PendingCapture>& pending) {
  const fs::path lock_path = output_dir / kLockFileName;
  auto loaded = load_lock(lock_path);
  if (!loaded) return std::move(loaded).error();
  std::optional<LockFile> lock = std::move(*loaded);
  const auto stopped = [] {
    return Error::interrupted("interrupted: no pending capture was accepted, and the lock is as it was");
  };

  io::StagedWrites batch;
  PendingOutcome outcome;
  for (std::size_t i = 0; i < pending.size(); ++i) {
    const diff::PendingCapture& capture = pending[i];
    if (i > 0) {
      auto paused = io::test_pause(fmt::format("accept-staged-{}", i));
      if (interrupted()) return stopped();
      if (!paused) return std::move(paused).error();
    }
    if (interrupted()) return stopped();
    // regen --pending writes regular files only; a link could promote bytes
    // from anywhere (outside the tree too) into a committed fixture.
    std::error_code link_ec;
    if (std::filesystem::is_symlink(std::filesystem::symlink_status(capture.pending, link_ec))) {
      return Error::check(fmt::format("{} is a symbolic link; regen --pending never writes one", capture.pending),
                          "remove it, or run `fixturegen regen --pending` to write the pending capture again");
    }
    auto content = io::read_file(capture.pending);
    // Reading may block (a FIFO, a slow disk): look again before staging.
    if (interrupted()) return stopped();
    if (!content) return std::move(content).error();
    json::Document document;
    if (auto error = json::Document::parse(*content, document)) {
      return Error::check(fmt::format("{}:{}", capture.pending, error->to_string()),
                          "a pending capture that is not JSON is never accepted: regenerate it (regen --pending) "
                          "or reject it");
    }
    if (lock && accept_in_lock(*lock, capture.name, sha256_hex(*content))) {
      outcome.lock_updated = true;
    } else {
      outcome.unrecorded.push_back(capture.pending);
    }
    auto staged = batch.stage(capture.target, *content);
    if (!staged) return std::move(staged).error();
  }
  // The lock after the captures and before the removals: a commit that stops
  // at a failed capture leaves the lock and every FILE.new as they were.
  if (outcome.lock_updated) {
    auto staged = batch.stage(lock_path, render_lock(*lock));
    if (!staged) return std::move(staged).error();
  }
  for (const diff::PendingCapture& capture : pending) {
    auto staged = batch.stage_removal(capture.pending);
    if (!staged) return std::move(staged).error();
  }
  auto paused = io::test_pause("accept-commit");
  if (interrupted()) return stopped();
  if (!paused) return std::move(paused).error();
  if (interrupted()) return stopped();

  // From here on an interrupt only sets a flag: the batch is committed whole.
  const io::CommitReport report = batch.commit(io::CommitPolicy::StopAtFirstFailure);
  if (!report.ok()) return commit_error(report, "accept");
  outcome.promoted = pending.size();
  return outcome;
}

Expected<PendingOutcome> reject_pending(const fs::path& output_dir, const std::vector<diff::PendingCapture>& pending) {
  const fs::path lock_path = output_dir / kLockFileName;
  auto loaded = load_lock(lock_path);
  if (!loaded) return std::move(loaded).error();
  std::optional<LockFile> lock = std::move(*loaded);
  const auto stopped = [] {
    return Error::interrupted("interrupted: no pending capture was rejected, and the lock is as it was");
  };

  io::StagedWrites batch;
  PendingOutcome outcome;
  for (std::size_t i = 0; i < pending.size(); ++i) {
    const diff::PendingCapture& capture = pending[i];
    if (i > 0) {
      auto paused = io::test_pause(fmt::format("reject-staged-{}", i));
      if (interrupted()) return stopped();
      if (!paused) return std::move(paused).error();
    }
    if (interrupted()) return stopped();
    if (lock && reject_in_lock(*lock, capture.name)) {
      outcome.lock_updated = true;
    } else {
      outcome.unrecorded.push_back(capture.pending);
    }
  }
  // The lock first: a commit that stops at a failed removal leaves FILE.new
  // files the lock no longer records, which `reject` removes when run again.
  if (outcome.lock_updated) {
    auto staged = batch.stage(lock_path, render_lock(*lock));
    if (!staged) return std::move(staged).error();
  }
  for (const diff::PendingCapture& capture : pending) {
    auto staged = batch.stage_removal(capture.pending);
    if (!staged) return std::move(staged).error();
  }
  auto paused = io::test_pause("reject-commit");
  if (interrupted()) return stopped();
  if (!paused) return std::move(paused).error();
  if (interrupted()) return stopped();
  const io::CommitReport report = batch.commit(io::CommitPolicy::StopAtFirstFailure);
  if (!report.ok()) return commit_error(report, "reject");
  outcome.removed = report.removed();
  return outcome;
}

}  // namespace fixturegen::regen
