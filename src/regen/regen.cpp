#include <fixturegen/core/interrupt.hpp>
#include <fixturegen/core/log.hpp>
#include <fixturegen/core/sha256.hpp>
#include <fixturegen/diff/capture_tree.hpp>
#include <fixturegen/diff/report.hpp>
#include <fixturegen/io/file.hpp>
#include <fixturegen/regen/pending.hpp>
#include <fixturegen/regen/regen.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <memory>

namespace fixturegen::regen {

namespace fs = std::filesystem;

Expected<std::vector<std::string>> find_orphans(const ResolvedPlan& plan) {
  std::error_code ec;
  if (!fs::exists(plan.output_dir, ec)) return std::vector<std::string>();
  auto files = io::list_json_files(plan.output_dir);
  if (!files) return std::move(files).error();
  const std::vector<std::string> planned = plan.planned_files();
  std::vector<std::string> orphans;
  for (const auto& file : *files) {
    std::string relative = fs::relative(file, plan.output_dir, ec).generic_string();
    if (!std::binary_search(planned.begin(), planned.end(), relative)) orphans.push_back(std::move(relative));
  }
  std::sort(orphans.begin(), orphans.end());
  return orphans;
}

LockFile next_lock(const ResolvedPlan& plan, const std::vector<PocRun>& runs) {
  LockFile lock;
  lock.engine = plan.engine.stable_name;
  for (std::size_t i = 0; i < plan.pocs.size(); ++i) {
    const PocPlan& poc = plan.pocs[i];
    const LockedPoc* old = plan.lock ? plan.lock->find(poc.name) : nullptr;
    const auto run = std::find_if(runs.begin(), runs.end(), [&](const PocRun& r) { return r.poc == i && r.ok(); });
    if (run == runs.end()) {
      if (old) lock.pocs.push_back(*old);  // not run, or failed: its fixtures and entry stay
      continue;
    }
    LockedPoc entry;
    entry.name = poc.name;
    auto digest = poc_input_digest(poc);
    entry.input_digest = digest ? *digest : std::string();
    entry.engine_version = plan.engine_version;
    entry.rules_digest = plan.rules_digest;
    entry.duration_ms = settled_duration(old ? old->duration_ms : 0, run->duration.count());
    for (const CapturedFile& capture : run->captures) {
      LockedCapture locked;
      locked.file = capture.file;
      locked.step = capture.step;
      locked.command = capture.command;
      locked.exit_code = capture.exit_code;
      locked.sha256 = sha256_hex(capture.bytes);
      entry.captures.push_back(std::move(locked));
    }
    lock.pocs.push_back(std::move(entry));
  }
  keep_earlier_files(plan, lock);
  return lock;
}

void keep_earlier_files(const ResolvedPlan& plan, LockFile& lock) {
  // What regen wrote before and no longer produces, while it is still there.
  if (!plan.lock) return;
  const std::vector<std::string> now = lock.files();
  std::error_code ec;
  for (const auto& file : plan.lock->written_files()) {
    if (!std::binary_search(now.begin(), now.end(), file) && fs::exists(plan.output_dir / file, ec)) {
      lock.earlier_files.push_back(file);
    }
  }
}

Expected<WriteSummary> write_captures(const ResolvedPlan& plan, const std::vector<PocRun>& runs) {
  WriteSummary summary;
  // One StagedWrites per POC: a POC whose staging fails (disk full) is left
  // out whole; the others still go in.
  std::vector<std::unique_ptr<io::StagedWrites>> staged;
  for (const PocRun& run : runs) {
    if (!run.ok()) continue;
    auto writes = std::make_unique<io::StagedWrites>();
    std::size_t changed = 0;
    for (const CapturedFile& capture : run.captures) {
      auto will_change = writes->stage(plan.output_dir / capture.file, capture.bytes);
      if (!will_change) return std::move(will_change).error();
      if (*will_change) ++changed;
    }
    summary.captures += run.captures.size();
    summary.changed += changed;
    staged.push_back(std::move(writes));
  }
  // Orphans: a full regen removes those it wrote itself earlier, in the same
  // commit as the new captures.
  auto orphans = find_orphans(plan);
  if (!orphans) return std::move(orphans).error();
  const std::vector<std::string> written_before = plan.lock ? plan.lock->written_files() : std::vector<std::string>();
  auto removals = std::make_unique<io::StagedWrites>();
  for (const auto& orphan : *orphans) {
    const bool ours = std::binary_search(written_before.begin(), written_before.end(), orphan);
    if (plan.filtered || !ours) {
      summary.orphans_kept.push_back(orphan);
      continue;
    }
    auto staged_removal = removals->stage_removal(plan.output_dir / orphan);
    if (!staged_removal) return std::move(staged_removal).error();
    summary.orphans_removed.push_back(orphan);
  }
  // A FILE.new beside a capture this regen rewrites is stale: removed in the
  // same commit when an earlier --pending wrote it (the lock says so), else
  // left and reported.
  const std::vector<std::string> recorded_pending = plan.lock ? plan.lock->pending_files() : std::vector<std::string>();
  for (const PocRun& run : runs) {
    if (!run.ok()) continue;
    for (const CapturedFile& capture : run.captures) {
      const std::string stale = pending_file(capture.file);
      std::error_code ec;
      if (!fs::exists(plan.output_dir / stale, ec)) continue;
      if (!std::binary_search(recorded_pending.begin(), recorded_pending.end(), capture.file)) {
        summary.pending_kept.push_back(stale);
        continue;
      }
      auto staged_removal = removals->stage_removal(plan.output_dir / stale);
      if (!staged_removal) return std::move(staged_removal).error();
      summary.pending_removed.push_back(stale);
    }
  }
  // A FILE.new an earlier --pending wrote for a capture no step produces any
  // more: the lock this regen writes drops its record, so it goes now with
  // the orphans (a filtered regen keeps both, as it keeps orphans).
  if (!plan.filtered) {
    const std::vector<std::string> planned = plan.planned_files();
    for (const std::string& file : recorded_pending) {
      if (std::binary_search(planned.begin(), planned.end(), file)) continue;
      const std::string stale = pending_file(file);
      std::error_code ec;
      if (!fs::exists(plan.output_dir / stale, ec)) continue;
      auto staged_removal = removals->stage_removal(plan.output_dir / stale);
      if (!staged_removal) return std::move(staged_removal).error();
      summary.pending_removed.push_back(stale);
    }
  }
  staged.push_back(std::move(removals));

  // The last moment an interrupt can still leave every fixture as it was.
  if (interrupted()) return summary;
  auto committed = io::commit_each(staged, "the other fixtures were written; fix the cause and run regen again");
  summary.committed = true;
  if (!committed) return std::move(committed).error();

  // A run where every POC failed changes nothing, the lock included.
  if (std::none_of(runs.begin(), runs.end(), [](const PocRun& run) { return run.ok(); })) return summary;
  const std::string lock_text = render_lock(next_lock(plan, runs));
  if (auto written = io::write_file_atomic(plan.output_dir / kLockFileName, lock_text); !written) return std::move(written).error();
  return summary;
}

Expected<DriftReport> compare_corpus(const CorpusFiles& committed, const CorpusFiles& fresh, std::string_view corpus_label) {
  // The diff library's report, the same `fixturegen diff` prints: old side
  // the committed corpus, new side this capture.
  diff::MemoryTree old_tree{std::string(corpus_label)};
  diff::MemoryTree new_tree{"this capture"};
  for (const auto& [name, bytes] : committed) old_tree.add(name, bytes);
  for (const auto& [name, bytes] : fresh) new_tree.add(name, bytes);
  auto tree = diff::diff_trees(old_tree, new_tree);
  if (!tree) return std::move(tree).error();
  diff::ReportOptions options;
  options.old_label = std::string(corpus_label);
  options.new_label = "this capture";
  options.show_owned = true;  // the drift gate is byte for byte: nothing is hidden
  DriftReport report;
  report.files = tree->files.size();
  std::size_t changed = 0, missing = 0, orphans = 0;
  for (const diff::FileDiff& file : tree->files) {
    switch (file.status) {
      case diff::FileStatus::Same: break;
      case diff::FileStatus::Added: ++missing; break;
      case diff::FileStatus::Removed: ++orphans; break;
      case diff::FileStatus::Changed:
      case diff::FileStatus::Unreadable: ++changed; break;
    }
  }
  report.differs = changed + missing + orphans > 0;
  if (!report.differs) return report;
  report.text = diff::render_text(*tree, options);
  if (!report.text.empty() && report.text.back() != '\n') report.text += '\n';
  // Then each differing file by its path in the project, to open or delete.
  report.text += '\n';
  for (const diff::FileDiff& file : tree->files) {
    const std::string path = fmt::format("{}/{}", corpus_label, file.path);
    switch (file.status) {
      case diff::FileStatus::Same: break;
      case diff::FileStatus::Added: report.text += fmt::format("missing   {}  (this capture makes it; the corpus lacks it)\n", path); break;
      case diff::FileStatus::Removed: report.text += fmt::format("orphan    {}  (no step of the plan produces it)\n", path); break;
      case diff::FileStatus::Changed: report.text += fmt::format("changed   {}\n", path); break;
      case diff::FileStatus::Unreadable:
        report.text += fmt::format("unreadable {}  ({})\n", path, file.error ? file.error->message : "");
        break;
    }
  }
  report.text += fmt::format("{} of {} files differ: {} changed, {} missing from {} (added by this capture), {} orphan (no step produces them)\n",
                             changed + missing + orphans, report.files, changed, missing, corpus_label, orphans);
  return report;
}

Expected<DriftReport> check_against_corpus(const ResolvedPlan& plan, const std::vector<PocRun>& runs, bool with_orphans) {
  CorpusFiles committed;
  CorpusFiles fresh;
  std::error_code ec;
  const auto read_committed = [&](const std::string& file) -> Expected<void> {
    const fs::path path = plan.output_dir / file;
    if (!fs::exists(path, ec)) return {};
    auto bytes = io::read_file(path);
    if (!bytes) return std::move(bytes).error();
    committed.emplace(file, std::move(*bytes));
    return {};
  };
  for (const PocRun& run : runs) {
    if (!run.ok()) continue;
    const PocPlan& poc = plan.pocs[run.poc];
    for (const Step& step : poc.steps) {
      if (step.capture.empty()) continue;
      if (auto r = read_committed(poc.capture_file(step)); !r) return std::move(r).error();
    }
    for (const CapturedFile& capture : run.captures) fresh.emplace(capture.file, capture.bytes);
  }
  if (with_orphans) {
    auto orphans = find_orphans(plan);
    if (!orphans) return std::move(orphans).error();
    for (const auto& orphan : *orphans) {
      if (auto r = read_committed(orphan); !r) return std::move(r).error();
    }
  }
  return compare_corpus(committed, fresh, plan.config.output);
}

}  // namespace fixturegen::regen
