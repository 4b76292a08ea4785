#include <fixturegen/diff/pending.hpp>
#include <fixturegen/io/file.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <fnmatch.h>
#include <string_view>
#include <system_error>

namespace fixturegen::diff {

namespace fs = std::filesystem;

namespace {

bool is_pending_name(const std::string& name) {
  constexpr std::string_view kSuffix = ".json.new";
  return name.size() > kSuffix.size() && name.compare(name.size() - kSuffix.size(), kSuffix.size(), kSuffix) == 0;
}

PendingCapture make_pending(const fs::path& file, const fs::path& root) {
  const std::string pending = file.lexically_normal().generic_string();
  std::string target = pending.substr(0, pending.size() - kPendingSuffix.size());
  std::string name = fs::path(target).lexically_relative(root.lexically_normal()).generic_string();
  if (name.empty() || name == ".") name = fs::path(target).filename().generic_string();
  return {pending, std::move(target), std::move(name)};
}

const PendingCapture* find_by_target(const std::vector<PendingCapture>& pending, const std::string& target) {
  for (const PendingCapture& capture : pending) {
    if (capture.target == target) return &capture;
  }
  return nullptr;
}

}  // namespace

Expected<std::vector<PendingCapture>> find_pending(const std::vector<std::string>& roots) {
  std::vector<PendingCapture> found;
  for (const std::string& root : roots) {
    std::error_code ec;
    const auto status = fs::status(root, ec);
    if (ec || !fs::exists(status)) return Error::io(fmt::format("{} does not exist", root));
    if (fs::is_regular_file(status)) {
      if (!is_pending_name(fs::path(root).filename().string())) {
        return Error::config(fmt::format("{} is not a pending capture (NAME.json.new)", root));
      }
      found.push_back(make_pending(root, fs::path(root).parent_path()));
      continue;
    }
    fs::recursive_directory_iterator it(root, fs::directory_options::none, ec);
    if (ec) return Error::io(fmt::format("cannot list {}: {}", root, ec.message()));
    for (const auto end = fs::recursive_directory_iterator(); it != end; it.increment(ec)) {
      if (ec) return Error::io(fmt::format("cannot list {}: {}", root, ec.message()));
      const std::string name = it->path().filename().string();
      if (!name.empty() && name.front() == '.') {
        if (it->is_directory()) it.disable_recursion_pending();
        continue;
      }
      if (it->is_regular_file() && is_pending_name(name)) found.push_back(make_pending(it->path(), root));
    }
  }
  std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.pending < b.pending; });
  found.erase(std::unique(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.pending == b.pending; }),
              found.end());
  return found;
}

Expected<std::vector<PendingCapture>> select_pending(const std::vector<PendingCapture>& pending,
                                                     const std::vector<std::string>& globs) {
  if (globs.empty()) return pending;
  std::vector<PendingCapture> selected;
  std::vector<bool> glob_used(globs.size(), false);
  // A path as `find .` prints it (./DIR/...) or as an absolute path names
  // the same file: the leading ./ goes, and absolute globs meet absolute paths.
  std::vector<std::string> patterns;
  for (const std::string& glob : globs) {
    std::string_view pattern = glob;
    while (pattern.size() > 2 && pattern.substr(0, 2) == "./") pattern.remove_prefix(2);
    patterns.emplace_back(pattern);
  }
  for (const PendingCapture& capture : pending) {
    bool matched = false;
    std::error_code ec;
    const std::string absolute_pending = fs::absolute(capture.pending, ec).lexically_normal().generic_string();
    const std::string absolute_target = fs::absolute(capture.target, ec).lexically_normal().generic_string();
    for (std::size_t i = 0; i < patterns.size(); ++i) {
      const char* glob = patterns[i].c_str();
      const bool absolute = !patterns[i].empty() && patterns[i].front() == '/';
      if (::fnmatch(glob, capture.pending.c_str(), 0) == 0 || ::fnmatch(glob, capture.target.c_str(), 0) == 0 ||
          ::fnmatch(glob, capture.name.c_str(), 0) == 0 ||
          (absolute && (::fnmatch(glob, absolute_pending.c_str(), 0) == 0 || ::fnmatch(glob, absolute_target.c_str(), 0) == 0))) {
        glob_used[i] = true;
        matched = true;
      }
    }
    if (matched) selected.push_back(capture);
  }
  for (std::size_t i = 0; i < globs.size(); ++i) {
    if (!glob_used[i]) {
      return Error::config(fmt::format("no pending capture matches '{}'", globs[i]),
                           "run fixturegen review to list the pending captures (NAME.json.new)");
    }
  }
  return selected;
}

// ---- the two sides of review -------------------------------------------------

Expected<std::vector<std::string>> CommittedSide::list() const {
  std::vector<std::string> targets;
  for (const PendingCapture& capture : m_pending) {
    std::error_code ec;
    if (fs::is_regular_file(capture.target, ec)) targets.push_back(capture.target);
  }
  std::sort(targets.begin(), targets.end());
  return targets;
}

Expected<std::string> CommittedSide::read(const std::string& relative) const { return io::read_file(relative); }

Expected<std::vector<std::string>> PendingSide::list() const {
  std::vector<std::string> targets;
  for (const PendingCapture& capture : m_pending) targets.push_back(capture.target);
  std::sort(targets.begin(), targets.end());
  return targets;
}

Expected<std::string> PendingSide::read(const std::string& relative) const {
  const PendingCapture* capture = find_by_target(m_pending, relative);
  if (!capture) return Error::internal(fmt::format("{} is not a pending capture", relative));
  return io::read_file(capture->pending);
}

std::string PendingSide::display(const std::string& relative) const {
  const PendingCapture* capture = find_by_target(m_pending, relative);
  return capture ? capture->pending : relative + std::string(kPendingSuffix);
}

}  // namespace fixturegen::diff
