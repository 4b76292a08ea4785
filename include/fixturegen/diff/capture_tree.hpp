#pragma once

// Captures on either side of a diff, and the per-file comparison of two such
// sets. A CaptureTree is a set of files by relative path: a directory on
// disk, a git revision (diff/git_tree.hpp), or captures held in memory
// (regen --check: the fresh captures against the committed directory).
//
// Usage (regen --check):
//   diff::MemoryTree fresh;  fresh.add("poc/run.json", bytes); ...
//   diff::DirectoryTree committed("fixtures_generated");
//   auto report = diff::diff_trees(committed, fresh, options);   // old, new
//   if (!report) ...                       // a side could not be listed
//   std::fputs(diff::render_text(*report, render_options).c_str(), stdout);   // diff/report.hpp

#include <fixturegen/core/error.hpp>
#include <fixturegen/diff/json_diff.hpp>

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace fixturegen::diff {

class CaptureTree {
public:
  virtual ~CaptureTree() = default;
  // Relative paths ("poc/run.json", '/'-separated) of every *.json capture,
  // sorted.
  virtual Expected<std::vector<std::string>> list() const = 0;
  // The bytes of one listed file.
  virtual Expected<std::string> read(const std::string& relative) const = 0;
  // How a file is named in reports: "fixtures_generated/poc/run.json",
  // "HEAD:fixtures_generated/poc/run.json".
  virtual std::string display(const std::string& relative) const = 0;
};

// The *.json files under a directory (hidden entries skipped, as
// io::list_json_files does), or one file (relative path: its file name).
// A root that does not exist is an empty tree when `missing_is_empty`
// (a directory git has but the working tree no longer does).
class DirectoryTree final : public CaptureTree {
public:
  explicit DirectoryTree(std::filesystem::path root, bool missing_is_empty = false);
  Expected<std::vector<std::string>> list() const override;
  Expected<std::string> read(const std::string& relative) const override;
  std::string display(const std::string& relative) const override;

private:
  std::filesystem::path m_root;
  bool m_missing_is_empty;
};

// Captures held in memory.
class MemoryTree final : public CaptureTree {
public:
  explicit MemoryTree(std::string label = "<memory>") : m_label(std::move(label)) {}
  void add(std::string relative, std::string content) { m_files[std::move(relative)] = std::move(content); }
  Expected<std::vector<std::string>> list() const override;
  Expected<std::string> read(const std::string& relative) const override;
  std::string display(const std::string& relative) const override;

private:
  std::string m_label;
  std::map<std::string, std::string> m_files;
};

enum class FileStatus {
  Same,       // identical bytes
  Changed,    // other bytes: see changes (may be only key order, or only layout)
  Added,      // only the new side has it
  Removed,    // only the old side has it
  Unreadable, // a side could not be read or parsed: see error
};

std::string_view file_status_name(FileStatus status);  // "same", "changed", ...

struct FileDiff {
  std::string path;      // relative, the same on both sides
  std::string old_name;  // display names, for headers and messages
  std::string new_name;
  FileStatus status = FileStatus::Same;
  std::vector<Change> changes;  // Changed only
  // Changed, yet the same JSON with the same key order: whitespace, escapes
  // or number spelling ("1.0" vs "1.00") differ.
  bool layout_only = false;
  std::optional<Error> error;   // Unreadable only
};

struct TreeDiff {
  std::vector<FileDiff> files;  // every path of either side, sorted
};

// Compares every file of `old_tree` with the file of the same relative
// path in `new_tree`. A file that cannot be read or parsed is Unreadable
// (the others are still compared); failing to list a side is an Error.
// Stops early, with Error::interrupted, when an interrupt arrives.
Expected<TreeDiff> diff_trees(const CaptureTree& old_tree, const CaptureTree& new_tree, const DiffOptions& options = {});

// One pair of texts as a FileDiff (the two-file form of `fixturegen diff`).
FileDiff diff_file(std::string path, std::string old_name, std::string new_name, std::string_view old_text,
                   std::string_view new_text, const DiffOptions& options = {});

}  // namespace fixturegen::diff
