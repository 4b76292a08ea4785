#include <fixturegen/core/interrupt.hpp>
#include <fixturegen/diff/capture_tree.hpp>
#include <fixturegen/io/file.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <iterator>
#include <system_error>

namespace fixturegen::diff {

namespace fs = std::filesystem;

std::string_view file_status_name(FileStatus status) {
  switch (status) {
    case FileStatus::Same: return "same";
    case FileStatus::Changed: return "changed";
    case FileStatus::Added: return "added";
    case FileStatus::Removed: return "removed";
    case FileStatus::Unreadable: return "unreadable";
  }
  return "unreadable";
}

// ---- DirectoryTree ----------------------------------------------------------

DirectoryTree::DirectoryTree(fs::path root, bool missing_is_empty)
    : m_root(std::move(root)), m_missing_is_empty(missing_is_empty) {}

Expected<std::vector<std::string>> DirectoryTree::list() const {
  std::error_code ec;
  const auto status = fs::status(m_root, ec);
  if (!fs::exists(status) && m_missing_is_empty) return std::vector<std::string>{};
  auto files = io::list_json_files(m_root);
  if (!files) return std::move(files).error();
  std::vector<std::string> relative;
  relative.reserve(files->size());
  if (fs::is_regular_file(status)) {
    relative.push_back(m_root.filename().generic_string());
    return relative;
  }
  for (const fs::path& file : *files) relative.push_back(file.lexically_relative(m_root).generic_string());
  std::sort(relative.begin(), relative.end());
  return relative;
}

Expected<std::string> DirectoryTree::read(const std::string& relative) const {
  std::error_code ec;
  if (fs::is_regular_file(m_root, ec)) return io::read_file(m_root);
  return io::read_file(m_root / relative);
}

std::string DirectoryTree::display(const std::string& relative) const {
  std::error_code ec;
  if (fs::is_regular_file(m_root, ec)) return m_root.generic_string();
  return (m_root / relative).generic_string();
}

// ---- MemoryTree -------------------------------------------------------------

Expected<std::vector<std::string>> MemoryTree::list() const {
  std::vector<std::string> relative;
  relative.reserve(m_files.size());
  for (const auto& [path, content] : m_files) relative.push_back(path);
  return relative;
}

Expected<std::string> MemoryTree::read(const std::string& relative) const {
  const auto it = m_files.find(relative);
  if (it == m_files.end()) return Error::io(fmt::format("{}: no such capture", display(relative)));
  return it->second;
}

std::string MemoryTree::display(const std::string& relative) const { return fmt::format("{}:{}", m_label, relative); }

// ---- comparing --------------------------------------------------------------

FileDiff diff_file(std::string path, std::string old_name, std::string new_name, std::string_view old_text,
                   std::string_view new_text, const DiffOptions& options) {
  FileDiff file;
  file.path = std::move(path);
  file.old_name = std::move(old_name);
  file.new_name = std::move(new_name);
  if (old_text == new_text) {
    file.status = FileStatus::Same;
    return file;
  }
  auto changes = diff_texts(old_text, new_text, options);
  if (!changes) {
    Error error = std::move(changes).error();
    // "old: 3:4: ..." names the side; name the file instead.
    const bool old_side = error.message.rfind("old: ", 0) == 0;
    error.message = fmt::format("{}:{}", old_side ? file.old_name : file.new_name, error.message.substr(5));
    error.hint = "a capture that is not JSON cannot be compared; regenerate it or fix the engine that printed it";
    file.status = FileStatus::Unreadable;
    file.error = std::move(error);
    return file;
  }
  file.status = FileStatus::Changed;
  file.changes = std::move(*changes);
  file.layout_only = file.changes.empty();
  return file;
}

Expected<TreeDiff> diff_trees(const CaptureTree& old_tree, const CaptureTree& new_tree, const DiffOptions& options) {
  auto old_paths = old_tree.list();
  if (!old_paths) return std::move(old_paths).error();
  auto new_paths = new_tree.list();
  if (!new_paths) return std::move(new_paths).error();

  std::vector<std::string> all;
  std::set_union(old_paths->begin(), old_paths->end(), new_paths->begin(), new_paths->end(), std::back_inserter(all));

  TreeDiff tree;
  tree.files.reserve(all.size());
  for (const std::string& path : all) {
    if (interrupted()) return Error::interrupted();
    const bool in_old = std::binary_search(old_paths->begin(), old_paths->end(), path);
    const bool in_new = std::binary_search(new_paths->begin(), new_paths->end(), path);
    FileDiff file;
    file.path = path;
    file.old_name = in_old ? old_tree.display(path) : std::string();
    file.new_name = in_new ? new_tree.display(path) : std::string();
    if (!in_old || !in_new) {
      file.status = in_new ? FileStatus::Added : FileStatus::Removed;
      tree.files.push_back(std::move(file));
      continue;
    }
    auto old_text = old_tree.read(path);
    auto new_text = new_tree.read(path);
    if (!old_text || !new_text) {
      Error error = !old_text ? std::move(old_text).error() : std::move(new_text).error();
      if (error.kind == ErrorKind::Interrupted) return error;
      file.status = FileStatus::Unreadable;
      file.error = std::move(error);
      tree.files.push_back(std::move(file));
      continue;
    }
    tree.files.push_back(diff_file(path, std::move(file.old_name), std::move(file.new_name), *old_text, *new_text,
                                   options));
  }
  return tree;
}

}  // namespace fixturegen::diff
