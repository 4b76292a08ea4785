#pragma once

// The diff report `fixturegen diff` and `regen --check` print: a summary
// grouped by cause across files (array indices folded to "*"), then each
// differing file's changes. Pure functions: a TreeDiff in, text out.
//
// Usage:
//   diff::ReportOptions options;
//   options.old_label = "HEAD";  options.new_label = "working tree";
//   options.color = diff::color_wanted(diff::ColorMode::Auto, isatty(1));
//   std::string text = diff::render_text(tree, options);
//   diff::Verdict verdict = diff::verdict(tree, options);  // Same/Different/Trouble

#include <fixturegen/diff/capture_tree.hpp>
#include <fixturegen/diff/json_diff.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace fixturegen::diff {

enum class ColorMode { Auto, Always, Never };

// Whether to colour: Always, Never, or Auto = a terminal and no NO_COLOR
// (https://no-color.org: set and not empty). `no_color_env` is NO_COLOR's
// value, or null when unset.
bool color_wanted(ColorMode mode, bool stdout_is_terminal, const char* no_color_env);

struct ReportOptions {
  std::string old_label = "old";  // what the sides are: "HEAD", a directory, a file
  std::string new_label = "new";
  bool show_owned = false;  // --all: also changes the rules own
  bool color = false;       // ANSI colours
  std::size_t max_value_width = 120;  // text format: longer values are cut with "…"
};

// One cause: a kind of change at a pointer pattern, counted across files.
struct Cause {
  ChangeKind kind = ChangeKind::ValueChanged;
  std::string pattern;  // "/materializations/*/attempts"
  // TypeChanged: "integer → number"; otherwise empty.
  std::string detail;
  std::size_t files = 0;        // files with at least one such change
  std::size_t occurrences = 0;  // changes in all
};

struct Summary {
  std::size_t files = 0;  // compared: every path of either side
  std::size_t same = 0;   // identical, or differing only in hidden rule-owned values
  std::size_t changed = 0;
  std::size_t added = 0;
  std::size_t removed = 0;
  std::size_t unreadable = 0;
  std::size_t hidden_changes = 0;  // rule-owned changes not shown (0 with show_owned)
  std::vector<Cause> causes;       // most files first
};

Summary summarize(const TreeDiff& tree, const ReportOptions& options);

// The changes of `file` that the report shows (all, or those not owned by
// the rules).
std::vector<const Change*> shown_changes(const FileDiff& file, const ReportOptions& options);

// diff(1)'s three outcomes: 0 same, 1 different, 2 trouble (a file could
// not be read or parsed; trouble wins over differences).
enum class Verdict { Same = 0, Different = 1, Trouble = 2 };
Verdict verdict(const TreeDiff& tree, const ReportOptions& options);

// "/materializations/*/attempts added in 14 files"
std::string describe_cause(const Cause& cause);

// The summary, then per differing file a header and one line per change:
//   + /p: new          added          - /p: old       removed
//   ~ /p: old → new    value changed  ! /p: integer → number: 1 → 1.0
//   # /p: length 3 → 4                ↕ /p: key order ["a","b"] → ["b","a"]
// Nothing but a one-line "no differences" summary when there are none.
std::string render_text(const TreeDiff& tree, const ReportOptions& options);

// The same as one JSON object: {"old", "new", "summary": {...}, "causes":
// [...], "files": [...]} (docs/diff.md), for tools. Values are given as
// their compact JSON text.
std::string render_json(const TreeDiff& tree, const ReportOptions& options);

}  // namespace fixturegen::diff
