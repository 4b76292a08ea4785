#include <fixturegen/core/interrupt.hpp>
#include <fixturegen/core/log.hpp>
#include <fixturegen/core/sha256.hpp>
#include <fixturegen/io/file.hpp>
#include <fixturegen/json/pointer.hpp>
#include <fixturegen/regen/regen.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <memory>
#include <set>

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
  lock.engine = plan.engine.configured;
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
      entry.captures.push_back({capture.file, capture.step, capture.command, capture.exit_code, sha256_hex(capture.bytes)});
    }
    lock.pocs.push_back(std::move(entry));
  }
  // What regen wrote before and no longer produces, while it is still there.
  if (plan.lock) {
    const std::vector<std::string> now = lock.files();
    std::error_code ec;
    for (const auto& file : plan.lock->written_files()) {
      if (!std::binary_search(now.begin(), now.end(), file) && fs::exists(plan.output_dir / file, ec)) {
        lock.earlier_files.push_back(file);
      }
    }
  }
  return lock;
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
  staged.push_back(std::move(removals));

  // The last moment an interrupt can still leave every fixture as it was.
  if (interrupted()) return summary;
  std::vector<Error> errors;
  for (auto& writes : staged) {
    const io::CommitReport report = writes->commit();
    for (auto& error : report.errors()) errors.push_back(std::move(error));
  }
  summary.committed = true;
  if (!errors.empty()) {
    std::string message = fmt::format("{} files could not be replaced or removed:", errors.size());
    for (const auto& error : errors) message += "\n  " + error.message;
    return Error::io(std::move(message), "the other fixtures were written; fix the cause and run regen again");
  }

  const std::string lock_text = render_lock(next_lock(plan, runs));
  if (auto written = io::write_file_atomic(plan.output_dir / kLockFileName, lock_text); !written) return std::move(written).error();
  return summary;
}

namespace {

std::string short_text(json::Value value) {
  switch (value.kind()) {
    case json::Kind::Null: return "null";
    case json::Kind::Bool: return value.as_bool() ? "true" : "false";
    case json::Kind::Integer: return std::string(value.integer_text());
    case json::Kind::Float: return fmt::format("{}", value.as_double());
    case json::Kind::String: {
      std::string text(value.as_string().substr(0, 80));
      return fmt::format("\"{}{}\"", text, value.as_string().size() > 80 ? "…" : "");
    }
    case json::Kind::Array: return fmt::format("[… {} items]", value.size());
    case json::Kind::Object: return fmt::format("{{… {} keys}}", value.size());
  }
  return "?";
}

// Per-pointer differences between two documents, at most `limit` lines.
// An explicit stack: nesting depth costs heap, not the call stack.
std::vector<std::string> pointer_differences(json::Value old_root, json::Value new_root, std::size_t limit) {
  std::vector<std::string> lines;
  struct Pending {
    json::Value a, b;
    std::string pointer;
  };
  std::vector<Pending> stack{{old_root, new_root, ""}};
  std::size_t total = 0;
  const auto add = [&](std::string line) {
    if (++total <= limit) lines.push_back(std::move(line));
  };
  while (!stack.empty()) {
    Pending item = std::move(stack.back());
    stack.pop_back();
    const std::string shown = item.pointer.empty() ? "(root)" : item.pointer;
    const json::Kind ka = item.a.kind();
    const json::Kind kb = item.b.kind();
    const bool numbers = (ka == json::Kind::Integer || ka == json::Kind::Float) && ka == kb;
    if (ka != kb && !numbers) {
      add(fmt::format("! {}: type {} → {}: {} → {}", shown, json::kind_name(ka), json::kind_name(kb), short_text(item.a), short_text(item.b)));
      continue;
    }
    if (ka == json::Kind::Object) {
      std::vector<Pending> children;
      for (const auto& member : item.a.members()) {
        const std::string pointer = item.pointer + "/" + json::escape_pointer_token(member.key);
        if (auto other = item.b.find(member.key)) {
          children.push_back({member.value, *other, pointer});
        } else {
          add(fmt::format("- {}: {} removed", pointer, short_text(member.value)));
        }
      }
      for (const auto& member : item.b.members()) {
        if (!item.a.find(member.key)) add(fmt::format("+ {}: {} added", item.pointer + "/" + json::escape_pointer_token(member.key), short_text(member.value)));
      }
      std::reverse(children.begin(), children.end());
      for (auto& child : children) stack.push_back(std::move(child));
    } else if (ka == json::Kind::Array) {
      std::vector<Pending> children;
      auto ia = item.a.elements().begin();
      auto ib = item.b.elements().begin();
      std::size_t index = 0;
      for (; ia != item.a.elements().end() && ib != item.b.elements().end(); ++ia, ++ib, ++index) {
        children.push_back({*ia, *ib, fmt::format("{}/{}", item.pointer, index)});
      }
      for (; ia != item.a.elements().end(); ++ia, ++index) add(fmt::format("- {}/{}: {} removed", item.pointer, index, short_text(*ia)));
      for (; ib != item.b.elements().end(); ++ib, ++index) add(fmt::format("+ {}/{}: {} added", item.pointer, index, short_text(*ib)));
      std::reverse(children.begin(), children.end());
      for (auto& child : children) stack.push_back(std::move(child));
    } else if (!json::json_equal(item.a, item.b) || short_text(item.a) != short_text(item.b)) {
      add(fmt::format("~ {}: {} → {}", shown, short_text(item.a), short_text(item.b)));
    }
  }
  if (total > limit) lines.push_back(fmt::format("… and {} more", total - limit));
  return lines;
}

}  // namespace

Expected<DriftReport> compare_corpus(const CorpusFiles& committed, const CorpusFiles& fresh, std::string_view corpus_label) {
  DriftReport report;
  std::set<std::string> names;
  for (const auto& [name, bytes] : committed) names.insert(name);
  for (const auto& [name, bytes] : fresh) names.insert(name);
  report.files = names.size();
  std::size_t missing = 0, orphans = 0, changed = 0;
  for (const std::string& name : names) {
    const auto old_it = committed.find(name);
    const auto new_it = fresh.find(name);
    if (old_it == committed.end()) {
      ++missing;
      report.text += fmt::format("{}/{}: missing: the capture made it, the corpus does not have it\n", corpus_label, name);
      continue;
    }
    if (new_it == fresh.end()) {
      ++orphans;
      report.text += fmt::format("{}/{}: orphan: no step of the plan produces it\n", corpus_label, name);
      continue;
    }
    if (old_it->second == new_it->second) continue;
    ++changed;
    report.text += fmt::format("{}/{}: changed\n", corpus_label, name);
    json::Document a, b;
    const auto error_a = json::Document::parse(old_it->second, a);
    const auto error_b = json::Document::parse(new_it->second, b);
    if (error_a || error_b) {
      report.text += fmt::format("  the committed file is not JSON: {}\n", error_a ? error_a->to_string() : error_b->to_string());
      continue;
    }
    const auto lines = pointer_differences(a.root(), b.root(), 40);
    if (lines.empty()) report.text += "  same JSON, other bytes (layout or key order)\n";
    for (const auto& line : lines) report.text += fmt::format("  {}\n", line);
  }
  report.differs = missing + orphans + changed > 0;
  if (report.differs) {
    report.text += fmt::format("{} of {} files differ: {} changed, {} missing, {} orphan\n", missing + orphans + changed,
                               report.files, changed, missing, orphans);
  }
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
