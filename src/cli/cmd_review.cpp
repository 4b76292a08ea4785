// `fixturegen review`: the pending captures (NAME.json.new, written by
// `regen --pending`) beside the committed ones, with their semantic diffs.
// Exit codes as `diff`: 0 nothing pending differs, 1 pending changes, 2 trouble.
#include <fixturegen/cli/command.hpp>
#include <fixturegen/cli/diff_flags.hpp>
#include <fixturegen/cli/output_dir.hpp>
#include <fixturegen/core/log.hpp>
#include <fixturegen/diff/pending.hpp>

#include <CLI/CLI.hpp>

#include <memory>
#include <string>
#include <vector>

namespace fixturegen::cli {
namespace {

struct ReviewOptions {
  std::vector<std::string> paths;
  std::string config;
  DiffFlags flags;
};

Expected<ExitCode> run_review(const ReviewOptions& options) {
  auto rules = diff_rules(options.flags);
  if (!rules) return std::move(rules).error();
  diff::DiffOptions diff_options;
  diff_options.rules = &*rules;

  std::vector<std::string> roots = options.paths;
  if (roots.empty()) {
    Expected<std::string> dir = resolve_output_dir({"", options.config});
    if (!dir) return std::move(dir).error();
    roots.push_back(*dir);
  }
  auto pending = diff::find_pending(roots);
  if (!pending) return std::move(pending).error();
  if (pending->empty()) log::info("no pending captures (NAME.json.new) found");

  const diff::CommittedSide committed(*pending);
  const diff::PendingSide fresh(*pending);
  auto tree = diff::diff_trees(committed, fresh, diff_options);
  if (!tree) return std::move(tree).error();
  auto code = print_diff_report(*tree, options.flags, "committed", "pending");
  if (code && !pending->empty()) log::hint("fixturegen accept [GLOB...] promotes them, fixturegen reject [GLOB...] deletes them");
  return code;
}

}  // namespace

CommandAction setup_review(CLI::App& sub) {
  auto options = std::make_shared<ReviewOptions>();
  sub.footer(
      "Lists every NAME.json.new under PATH (default: the plan's output dir) with its semantic diff against\n"
      "NAME.json (docs/diff.md). Exit as diff(1): 0 nothing pending differs, 1 pending changes, 2 trouble.");
  sub.add_option("paths", options->paths, "Directories (or NAME.json.new files) to look in");
  sub.add_option("--config", options->config, "The capture plan whose output dir to list (default fixturegen.toml)");
  add_diff_flags(sub, options->flags);
  return [options] { return as_diff_exit(run_review(*options)); };
}

}  // namespace fixturegen::cli
