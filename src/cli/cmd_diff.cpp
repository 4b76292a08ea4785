// `fixturegen diff`: the semantic difference between two captures, two
// capture directories, or the working tree's captures and a git revision.
// Exit codes are diff(1)'s: 0 same, 1 different, 2 trouble. "Trouble" is
// any error that is not an interrupt (130) or a fixturegen bug (4): a bad
// flag or revision, and also a file that cannot be read or parsed, which
// other commands report as 3 (I/O) or 1 (check) — for diff, 1 must mean
// only "differences found".
#include <fixturegen/cli/command.hpp>
#include <fixturegen/cli/diff_flags.hpp>
#include <fixturegen/core/project_paths.hpp>
#include <fixturegen/diff/capture_tree.hpp>
#include <fixturegen/diff/git_tree.hpp>
#include <fixturegen/io/file.hpp>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

namespace fixturegen::cli {
namespace {

namespace fs = std::filesystem;

struct DiffCliOptions {
  std::vector<std::string> paths;
  std::optional<std::string> against;
  DiffFlags flags;
};

// The two-path form: two files, or two directories.
Expected<diff::TreeDiff> diff_two_paths(const std::string& a, const std::string& b, const diff::DiffOptions& options) {
  std::error_code ec;
  for (const std::string& path : {a, b}) {
    if (!fs::exists(path, ec)) {
      return Error::io(fmt::format("{} does not exist", path),
                       "give two capture files or two directories, or a path and --against REV");
    }
  }
  const bool a_dir = fs::is_directory(a, ec);
  const bool b_dir = fs::is_directory(b, ec);
  if (a_dir != b_dir) {
    return Error::usage(fmt::format("{} is a {} but {} is a {}", a, a_dir ? "directory" : "file", b,
                                    b_dir ? "directory" : "file"),
                        "compare two files or two directories");
  }
  if (a_dir) return diff::diff_trees(diff::DirectoryTree(a), diff::DirectoryTree(b), options);

  auto old_text = io::read_file(a);
  if (!old_text) return std::move(old_text).error();
  auto new_text = io::read_file(b);
  if (!new_text) return std::move(new_text).error();
  diff::TreeDiff tree;
  tree.files.push_back(diff::diff_file(b, a, b, *old_text, *new_text, options));
  return tree;
}

// The --against form: the working tree's captures under `paths` against
// the same paths at `revision`.
Expected<diff::TreeDiff> diff_against(const std::string& revision, const std::vector<std::string>& paths,
                                      const diff::DiffOptions& options) {
  auto old_tree = diff::GitRevisionTree::open(".", revision, paths);
  if (!old_tree) return std::move(old_tree).error();
  const diff::WorkingTree new_tree(".", paths);
  auto tree = diff::diff_trees(*old_tree, new_tree, options);
  if (!tree) return tree;
  if (tree->files.empty()) {
    std::string listed;
    for (const std::string& path : paths) listed += (listed.empty() ? "" : ", ") + path;
    return Error::usage(fmt::format("no *.json captures under {} in the working tree or at {}", listed, revision),
                        fmt::format("give the capture directory (default {}/) or files as PATH",
                                    ProjectPaths::defaults().captures));
  }
  return tree;
}

Expected<ExitCode> run_diff(const DiffCliOptions& cli) {
  auto rules = diff_rules(cli.flags);
  if (!rules) return std::move(rules).error();
  diff::DiffOptions options;
  options.rules = &*rules;

  if (!cli.against && cli.paths.size() == 2) {
    auto tree = diff_two_paths(cli.paths[0], cli.paths[1], options);
    if (!tree) return std::move(tree).error();
    return print_diff_report(*tree, cli.flags, cli.paths[0], cli.paths[1]);
  }
  const std::string revision = cli.against.value_or("HEAD");
  std::vector<std::string> paths = cli.paths;
  if (paths.empty()) paths.push_back(ProjectPaths::defaults().captures);
  auto tree = diff_against(revision, paths, options);
  if (!tree) return std::move(tree).error();
  return print_diff_report(*tree, cli.flags, revision, "working tree");
}

}  // namespace

CommandAction setup_diff(CLI::App& sub) {
  auto options = std::make_shared<DiffCliOptions>();
  sub.footer(
      "Two paths and no --against: compare file A with file B, or directory A with directory B.\n"
      "Otherwise: compare the working tree's captures under PATH (default fixtures_generated/) with\n"
      "the same paths at git revision REV (default HEAD), read through git.\n"
      "Changes to values the normalize rules own (durations, wall-clock times, ids) are hidden unless --all.\n"
      "Exit (as diff(1)): 0 same, 1 different, 2 trouble (any error: flags, revision, unreadable file),\n"
      "130 interrupted. Report format: docs/diff.md.");
  sub.add_option("paths", options->paths, "A B (two files or directories), or PATHs to compare with --against");
  sub.add_option("--against", options->against, "Compare the working tree with this git revision (default HEAD)");
  add_diff_flags(sub, options->flags);
  return [options] { return as_diff_exit(run_diff(*options)); };
}

}  // namespace fixturegen::cli
