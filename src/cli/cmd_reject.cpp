// `fixturegen reject [GLOB...]`: deletes pending captures (NAME.json.new),
// atomically (diff::reject_pending); the committed NAME.json stay.
#include <fixturegen/cli/command.hpp>
#include <fixturegen/core/log.hpp>
#include <fixturegen/core/project_paths.hpp>
#include <fixturegen/diff/pending.hpp>

#include <CLI/CLI.hpp>

#include <memory>
#include <string>
#include <vector>

namespace fixturegen::cli {
namespace {

struct RejectOptions {
  std::vector<std::string> globs;
  std::string dir = ProjectPaths::defaults().captures;
};

Expected<ExitCode> run_reject(const RejectOptions& options) {
  auto found = diff::find_pending({options.dir});
  if (!found) return std::move(found).error();
  auto selected = diff::select_pending(*found, options.globs);
  if (!selected) return std::move(selected).error();
  if (selected->empty()) {
    log::info("nothing to reject: no pending captures (NAME.json.new) under {}", options.dir);
    return ExitCode::Success;
  }
  auto outcome = diff::reject_pending(*selected);
  if (!outcome) return std::move(outcome).error();
  for (const diff::PendingCapture& capture : *selected) log::detail("rejected {}", capture.pending);
  log::info("rejected {} pending capture{}", outcome->removed, outcome->removed == 1 ? "" : "s");
  return ExitCode::Success;
}

}  // namespace

CommandAction setup_reject(CLI::App& sub) {
  auto options = std::make_shared<RejectOptions>();
  sub.footer(
      "Deletes each pending NAME.json.new; NAME.json is never touched. GLOBs match the pending or the\n"
      "committed path or the path under --dir (poc/*.json; '*' also crosses '/'); none given: every pending capture.\n"
      "Exit: 0 done, 2 a GLOB matched nothing, 3 I/O, 130 interrupted.");
  sub.add_option("globs", options->globs, "Which pending captures (shell glob on the path)");
  sub.add_option("--dir", options->dir, "Where the captures are (default fixtures_generated)");
  return [options] { return run_reject(*options); };
}

}  // namespace fixturegen::cli
