#pragma once

// The captures of a git revision, read through the `git` program (no
// checkout, nothing written), and the working tree's captures under the same
// paths: the two sides of `fixturegen diff --against REV [PATH...]`.

#include <fixturegen/core/error.hpp>
#include <fixturegen/diff/capture_tree.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace fixturegen::diff {

// What one git call printed and how it ended.
struct GitOutput {
  std::string out;
  std::string err;
  int exit_status = 0;
};

// Runs `git ARGS...` in `working_dir` through process::run_child (no shell,
// stdin from /dev/null, this process's environment) and collects its
// output; an interrupt stops it (Error kind Interrupted). An Error when git
// could not be started (Config: install git), timed out or was killed; a
// git that ran and failed is a GitOutput with its exit status.
Expected<GitOutput> run_git(const std::filesystem::path& working_dir, const std::vector<std::string>& args);

// The *.json files under `paths` (relative to `working_dir`, as a user
// typed them) at `revision`; relative names are the paths as git prints
// them relative to `working_dir` ("fixtures_generated/poc/run.json").
class GitRevisionTree final : public CaptureTree {
public:
  // Config errors, with what to do next: not inside a git work tree; a
  // revision that names no commit; git missing.
  static Expected<GitRevisionTree> open(std::filesystem::path working_dir, std::string revision,
                                        std::vector<std::string> paths);

  Expected<std::vector<std::string>> list() const override;
  Expected<std::string> read(const std::string& relative) const override;
  std::string display(const std::string& relative) const override;  // "REV:relative"

private:
  GitRevisionTree(std::filesystem::path working_dir, std::string revision, std::string commit,
                  std::vector<std::string> paths)
      : m_working_dir(std::move(working_dir)), m_revision(std::move(revision)), m_commit(std::move(commit)),
        m_paths(std::move(paths)) {}
  std::filesystem::path m_working_dir;
  std::string m_revision;  // as the user gave it, for names in reports
  std::string m_commit;    // the commit it named when opened
  std::vector<std::string> m_paths;
};

// The working tree's *.json files under `paths` (files or directories,
// relative to `working_dir`), named as `path/relative` so they line up with
// GitRevisionTree's names. A path that does not exist contributes nothing
// (git may still have it: every file then shows as removed).
class WorkingTree final : public CaptureTree {
public:
  WorkingTree(std::filesystem::path working_dir, std::vector<std::string> paths)
      : m_working_dir(std::move(working_dir)), m_paths(std::move(paths)) {}
  Expected<std::vector<std::string>> list() const override;
  Expected<std::string> read(const std::string& relative) const override;
  std::string display(const std::string& relative) const override;

private:
  std::filesystem::path m_working_dir;
  std::vector<std::string> m_paths;
};

}  // namespace fixturegen::diff
