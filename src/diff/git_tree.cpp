#include <fixturegen/diff/git_tree.hpp>
#include <fixturegen/io/file.hpp>
#include <fixturegen/process/child_process.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <system_error>
#include <unistd.h>

extern char** environ;

namespace fixturegen::diff {

namespace fs = std::filesystem;

namespace {

// The call as a user can rerun it, in the directory it ran in.
std::string command_line(const fs::path& working_dir, const std::vector<std::string>& args) {
  std::vector<std::string> argv{"git"};
  argv.insert(argv.end(), args.begin(), args.end());
  const std::string line = process::shell_quote(argv);
  return working_dir == "." ? line : fmt::format("(cd {} && {})", process::shell_quote({working_dir.string()}), line);
}

// The first line of git's complaint, without "fatal: ".
std::string git_reason(const std::string& err) {
  std::string line = err.substr(0, err.find('\n'));
  if (line.rfind("fatal: ", 0) == 0) line.erase(0, 7);
  return line;
}

// Whether a '/'-separated path has a hidden component (".x"); "." and ".."
// (a path above the working directory) are not hidden.
bool has_hidden_component(std::string_view path) {
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    const std::string_view part = path.substr(start, end - start);
    if (!part.empty() && part.front() == '.' && part != "." && part != "..") return true;
    start = end + 1;
  }
  return false;
}

// git finds its configuration, HOME and PATH in the environment: pass ours on.
std::vector<std::string> inherited_environment() {
  std::vector<std::string> env;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) env.emplace_back(*entry);
  return env;
}

}  // namespace

Expected<GitOutput> run_git(const fs::path& working_dir, const std::vector<std::string>& args) {
  process::ChildSpec spec;
  spec.argv = {"git"};
  spec.argv.insert(spec.argv.end(), args.begin(), args.end());
  spec.working_dir = working_dir;
  spec.env = inherited_environment();
  // ls-tree and cat-file of one capture take milliseconds; a git that hangs
  // (a lock, a network file system) must not hang diff for ten minutes.
  spec.timeout = std::chrono::minutes(2);
  auto result = process::run_child(spec);
  if (!result) {
    return Error::config(fmt::format("cannot run git: {}", result.error().message),
                         "install git (apt-get install git), or compare two directories: fixturegen diff OLD NEW");
  }
  if (result->interrupted) return Error::interrupted();
  if (result->timed_out || result->stdout_overflow || !result->exit_status) {
    return Error::io(fmt::format("{} {}", command_line(working_dir, args),
                                 result->timed_out        ? "timed out after 2 minutes"
                                 : result->stdout_overflow ? "printed more than 1 GiB"
                                                           : "was killed by a signal"));
  }
  GitOutput output;
  output.out = std::move(result->stdout_bytes);
  output.err = std::move(result->stderr_tail);
  output.exit_status = *result->exit_status;
  return output;
}

// ---- GitRevisionTree --------------------------------------------------------

Expected<GitRevisionTree> GitRevisionTree::open(fs::path working_dir, std::string revision,
                                                std::vector<std::string> paths) {
  auto inside = run_git(working_dir, {"rev-parse", "--is-inside-work-tree"});
  if (!inside) return std::move(inside).error();
  if (inside->exit_status != 0 || inside->out.rfind("true", 0) != 0) {
    return Error::config(
        fmt::format("{}: not a git repository ({})", fs::absolute(working_dir).string(), git_reason(inside->err)),
        "run fixturegen diff --against from inside the repository, or compare two directories: fixturegen diff OLD NEW");
  }
  auto commit = run_git(working_dir, {"rev-parse", "--verify", "--quiet", "--end-of-options", revision + "^{commit}"});
  if (!commit) return std::move(commit).error();
  std::string hash = commit->out.substr(0, commit->out.find('\n'));
  if (commit->exit_status != 0 || hash.empty()) {
    return Error::config(fmt::format("unknown revision '{}': it names no commit in this repository", revision),
                         "give a branch, tag or commit, e.g. --against HEAD~1 (see: git log --oneline)");
  }
  // Read everything from the commit the revision named at the start, even
  // if the branch moves meanwhile.
  return GitRevisionTree(std::move(working_dir), std::move(revision), std::move(hash), std::move(paths));
}

Expected<std::vector<std::string>> GitRevisionTree::list() const {
  std::vector<std::string> args{"ls-tree", "-r", "-z", "--name-only", m_commit, "--"};
  args.insert(args.end(), m_paths.begin(), m_paths.end());
  auto listed = run_git(m_working_dir, args);
  if (!listed) return std::move(listed).error();
  if (listed->exit_status != 0) {
    return Error::config(fmt::format("{} failed: {}", command_line(m_working_dir, args), git_reason(listed->err)));
  }
  std::vector<std::string> files;
  std::size_t start = 0;
  const std::string& out = listed->out;
  while (start < out.size()) {
    std::size_t end = out.find('\0', start);
    if (end == std::string::npos) end = out.size();
    std::string name = out.substr(start, end - start);
    start = end + 1;
    // As io::list_json_files: *.json, hidden entries skipped.
    if (name.size() < 5 || name.compare(name.size() - 5, 5, ".json") != 0) continue;
    if (has_hidden_component(name)) continue;
    files.push_back(std::move(name));
  }
  std::sort(files.begin(), files.end());
  files.erase(std::unique(files.begin(), files.end()), files.end());
  return files;
}

Expected<std::string> GitRevisionTree::read(const std::string& relative) const {
  // "REV:./path" is relative to -C's directory, as ls-tree printed it.
  const std::vector<std::string> args{"cat-file", "blob", fmt::format("{}:./{}", m_commit, relative)};
  auto blob = run_git(m_working_dir, args);
  if (!blob) return std::move(blob).error();
  if (blob->exit_status != 0) {
    return Error::io(fmt::format("{}: {} failed: {}", display(relative), command_line(m_working_dir, args),
                                 git_reason(blob->err)));
  }
  return std::move(blob->out);
}

std::string GitRevisionTree::display(const std::string& relative) const {
  return fmt::format("{}:{}", m_revision, relative);
}

// ---- WorkingTree ------------------------------------------------------------

Expected<std::vector<std::string>> WorkingTree::list() const {
  std::vector<std::string> files;
  for (const std::string& path : m_paths) {
    const fs::path root = m_working_dir / path;
    std::error_code ec;
    if (!fs::exists(root, ec)) continue;
    auto found = io::list_json_files(root);
    if (!found) return std::move(found).error();
    for (const fs::path& file : *found) {
      // Only captures, as on the git side (a file named explicitly too).
      if (file.extension() != ".json") continue;
      files.push_back(file.lexically_relative(m_working_dir).lexically_normal().generic_string());
    }
  }
  std::sort(files.begin(), files.end());
  files.erase(std::unique(files.begin(), files.end()), files.end());
  return files;
}

Expected<std::string> WorkingTree::read(const std::string& relative) const {
  return io::read_file(m_working_dir / relative);
}

std::string WorkingTree::display(const std::string& relative) const { return relative; }

}  // namespace fixturegen::diff
