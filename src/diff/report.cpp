#include <fixturegen/diff/report.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <tuple>

namespace fixturegen::diff {

namespace {

using OrderedJson = nlohmann::ordered_json;

constexpr std::string_view kArrow = "\u2192";  // →

std::string type_detail(const Change& change) {
  return fmt::format("{} {} {}", json::kind_name(change.old_kind), kArrow, json::kind_name(change.new_kind));
}

std::string shown_pointer(std::string_view pointer) { return pointer.empty() ? "(root)" : std::string(pointer); }

// Cuts a value's text to `width` bytes. The text is ASCII (ensure_ascii
// escaping), so any cut is on a character boundary.
std::string cut(std::string_view text, std::size_t width) {
  if (text.size() <= width) return std::string(text);
  return fmt::format("{}\u2026", text.substr(0, width));
}

struct Palette {
  bool on;
  std::string paint(std::string_view code, std::string_view text) const {
    if (!on) return std::string(text);
    return fmt::format("\x1b[{}m{}\x1b[0m", code, text);
  }
};
constexpr std::string_view kBold = "1";
constexpr std::string_view kRed = "31";
constexpr std::string_view kGreen = "32";
constexpr std::string_view kYellow = "33";
constexpr std::string_view kMagenta = "35";
constexpr std::string_view kCyan = "36";

bool file_differs(const FileDiff& file, const ReportOptions& options) {
  switch (file.status) {
    case FileStatus::Same: return false;
    case FileStatus::Added:
    case FileStatus::Removed:
    case FileStatus::Unreadable: return true;
    case FileStatus::Changed: return file.layout_only || !shown_changes(file, options).empty();
  }
  return true;
}

std::string plural(std::size_t count, std::string_view one, std::string_view many) {
  return fmt::format("{} {}", count, count == 1 ? one : many);
}

std::string change_line(const Change& change, const ReportOptions& options, const Palette& palette) {
  const std::string pointer = shown_pointer(change.pointer);
  const std::size_t width = options.max_value_width;
  const std::string owned = change.owned_by_rules ? "  (rule-owned)" : "";
  switch (change.kind) {
    case ChangeKind::Added:
      return palette.paint(kGreen, fmt::format("  + {}: {}", pointer, cut(change.new_text, width))) + owned;
    case ChangeKind::Removed:
      return palette.paint(kRed, fmt::format("  - {}: {}", pointer, cut(change.old_text, width))) + owned;
    case ChangeKind::ValueChanged:
      return palette.paint(kYellow, fmt::format("  ~ {}: {} {} {}", pointer, cut(change.old_text, width), kArrow,
                                                cut(change.new_text, width))) +
             owned;
    case ChangeKind::TypeChanged:
      return palette.paint(kMagenta, fmt::format("  ! {}: {}: {} {} {}", pointer, type_detail(change),
                                                 cut(change.old_text, width), kArrow, cut(change.new_text, width))) +
             owned;
    case ChangeKind::ArrayLengthChanged:
      return palette.paint(kYellow, fmt::format("  # {}: length {} {} {}", pointer, change.old_text, kArrow,
                                                change.new_text)) +
             owned;
    case ChangeKind::KeyOrderChanged:
      return palette.paint(kCyan, fmt::format("  \u2195 {}: key order {} {} {}", pointer, cut(change.old_text, width),
                                              kArrow, cut(change.new_text, width))) +
             owned;
  }
  return {};
}

}  // namespace

bool color_wanted(ColorMode mode, bool stdout_is_terminal, const char* no_color_env) {
  switch (mode) {
    case ColorMode::Always: return true;
    case ColorMode::Never: return false;
    case ColorMode::Auto: return stdout_is_terminal && (no_color_env == nullptr || *no_color_env == '\0');
  }
  return false;
}

std::vector<const Change*> shown_changes(const FileDiff& file, const ReportOptions& options) {
  std::vector<const Change*> shown;
  for (const Change& change : file.changes) {
    if (options.show_owned || !change.owned_by_rules) shown.push_back(&change);
  }
  return shown;
}

std::string describe_cause(const Cause& cause) {
  std::string what;
  switch (cause.kind) {
    case ChangeKind::Added: what = "added"; break;
    case ChangeKind::Removed: what = "removed"; break;
    case ChangeKind::ValueChanged: what = "value changed"; break;
    case ChangeKind::TypeChanged: what = cause.detail; break;
    case ChangeKind::ArrayLengthChanged: what = "array length changed"; break;
    case ChangeKind::KeyOrderChanged: what = "key order changed"; break;
  }
  std::string text = fmt::format("{} {} in {}", shown_pointer(cause.pattern), what, plural(cause.files, "file", "files"));
  if (cause.occurrences != cause.files) text += fmt::format(" ({} times)", cause.occurrences);
  return text;
}

Summary summarize(const TreeDiff& tree, const ReportOptions& options) {
  Summary summary;
  summary.files = tree.files.size();
  // (pattern, kind, detail) -> cause; a file counts once per cause. Among
  // causes in as many files, a container's come before those inside it.
  std::map<std::tuple<std::string, ChangeKind, std::string>, Cause> causes;
  for (const FileDiff& file : tree.files) {
    switch (file.status) {
      case FileStatus::Same: ++summary.same; continue;
      case FileStatus::Added: ++summary.added; continue;
      case FileStatus::Removed: ++summary.removed; continue;
      case FileStatus::Unreadable: ++summary.unreadable; continue;
      case FileStatus::Changed: break;
    }
    if (file_differs(file, options)) {
      ++summary.changed;
    } else {
      ++summary.same;
    }
    std::map<std::tuple<std::string, ChangeKind, std::string>, bool> seen_here;
    for (const Change& change : file.changes) {
      if (change.owned_by_rules && !options.show_owned) {
        ++summary.hidden_changes;
        continue;
      }
      std::string detail = change.kind == ChangeKind::TypeChanged ? type_detail(change) : std::string();
      auto key = std::make_tuple(change.pattern, change.kind, detail);
      Cause& cause = causes[key];
      if (cause.occurrences == 0) {
        cause.kind = change.kind;
        cause.pattern = change.pattern;
        cause.detail = std::move(detail);
      }
      ++cause.occurrences;
      if (!seen_here[key]) {
        seen_here[key] = true;
        ++cause.files;
      }
    }
  }
  for (auto& [key, cause] : causes) summary.causes.push_back(std::move(cause));
  // Most files first; the map's order (pattern, kind) breaks ties.
  std::stable_sort(summary.causes.begin(), summary.causes.end(),
                   [](const Cause& a, const Cause& b) { return a.files > b.files; });
  return summary;
}

Verdict verdict(const TreeDiff& tree, const ReportOptions& options) {
  Verdict result = Verdict::Same;
  for (const FileDiff& file : tree.files) {
    if (file.status == FileStatus::Unreadable) return Verdict::Trouble;
    if (file_differs(file, options)) result = Verdict::Different;
  }
  return result;
}

std::string render_text(const TreeDiff& tree, const ReportOptions& options) {
  const Palette palette{options.color};
  const Summary summary = summarize(tree, options);
  std::string text;
  const std::string hidden =
      summary.hidden_changes == 0
          ? std::string()
          : fmt::format("; {} hidden (--all shows them)", plural(summary.hidden_changes, "rule-owned change", "rule-owned changes"));
  const std::string unreadable =
      summary.unreadable == 0 ? std::string() : fmt::format(", {} unreadable", summary.unreadable);
  const std::string headline =
      fmt::format("{} {} {}: {} changed, {} added, {} removed{}, {} same ({}){}", options.old_label, kArrow,
                  options.new_label, summary.changed, summary.added, summary.removed, unreadable, summary.same,
                  plural(summary.files, "file", "files"), hidden);
  text += palette.paint(kBold, headline);
  text += '\n';
  if (verdict(tree, options) == Verdict::Same) return text;

  for (const Cause& cause : summary.causes) text += fmt::format("  {}\n", describe_cause(cause));

  for (const FileDiff& file : tree.files) {
    if (!file_differs(file, options)) continue;
    text += '\n';
    switch (file.status) {
      case FileStatus::Added: text += palette.paint(kGreen, fmt::format("added {}", file.path)) + "\n"; break;
      case FileStatus::Removed: text += palette.paint(kRed, fmt::format("removed {}", file.path)) + "\n"; break;
      case FileStatus::Unreadable:
        text += palette.paint(kRed, fmt::format("unreadable {}: {}", file.path,
                                                file.error ? file.error->message : std::string("unknown error"))) +
                "\n";
        break;
      case FileStatus::Changed:
        text += palette.paint(kBold, fmt::format("changed {}", file.path)) + "\n";
        if (file.layout_only) text += "  (layout only: the same JSON and key order in other bytes)\n";
        for (const Change* change : shown_changes(file, options)) {
          text += change_line(*change, options, palette);
          text += '\n';
        }
        break;
      case FileStatus::Same: break;
    }
  }
  return text;
}

std::string render_json(const TreeDiff& tree, const ReportOptions& options) {
  const Summary summary = summarize(tree, options);
  OrderedJson causes = OrderedJson::array();
  for (const Cause& cause : summary.causes) {
    causes.push_back(OrderedJson{{"pointer", cause.pattern},
                                 {"change", change_kind_name(cause.kind)},
                                 {"detail", cause.detail},
                                 {"files", cause.files},
                                 {"occurrences", cause.occurrences}});
  }
  OrderedJson files = OrderedJson::array();
  for (const FileDiff& file : tree.files) {
    if (!file_differs(file, options)) continue;
    OrderedJson entry{{"path", file.path}, {"status", file_status_name(file.status)}};
    if (file.status == FileStatus::Unreadable && file.error) entry["error"] = file.error->message;
    if (file.status == FileStatus::Changed) {
      entry["layout_only"] = file.layout_only;
      OrderedJson changes = OrderedJson::array();
      for (const Change* change : shown_changes(file, options)) {
        OrderedJson item{{"pointer", change->pointer}, {"pattern", change->pattern},
                         {"change", change_kind_name(change->kind)}};
        if (change->kind != ChangeKind::Added) {
          item["old"] = change->old_text;
          item["old_type"] = json::kind_name(change->old_kind);
        }
        if (change->kind != ChangeKind::Removed) {
          item["new"] = change->new_text;
          item["new_type"] = json::kind_name(change->new_kind);
        }
        item["owned_by_rules"] = change->owned_by_rules;
        changes.push_back(std::move(item));
      }
      entry["changes"] = std::move(changes);
    }
    files.push_back(std::move(entry));
  }
  const OrderedJson report{
      {"old", options.old_label},
      {"new", options.new_label},
      {"verdict", verdict(tree, options) == Verdict::Same        ? "same"
                  : verdict(tree, options) == Verdict::Different ? "different"
                                                                  : "trouble"},
      {"summary", OrderedJson{{"files", summary.files},
                              {"same", summary.same},
                              {"changed", summary.changed},
                              {"added", summary.added},
                              {"removed", summary.removed},
                              {"unreadable", summary.unreadable},
                              {"hidden_changes", summary.hidden_changes}}},
      {"causes", std::move(causes)},
      {"files", std::move(files)},
  };
  // Keys and paths are WTF-8 and may hold lone surrogates: replace, never throw.
  return report.dump(2, ' ', false, OrderedJson::error_handler_t::replace) + "\n";
}

}  // namespace fixturegen::diff
