// `fixturegen accept [GLOB...]`: promotes pending captures (NAME.json.new)
// over the committed NAME.json, atomically (diff::accept_pending). The lock
// file is not updated here.
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

struct PendingOptions {
  std::vector<std::string> globs;
  std::string dir = ProjectPaths::defaults().captures;
};

Expected<ExitCode> run_accept(const PendingOptions& options) {
  auto found = diff::find_pending({options.dir});
  if (!found) return std::move(found).error();
  auto selected = diff::select_pending(*found, options.globs);
  if (!selected) return std::move(selected).error();
  if (selected->empty()) {
    log::info("nothing to accept: no pending captures (NAME.json.new) under {}", options.dir);
    return ExitCode::Success;
  }
  auto outcome = diff::accept_pending(*selected);
  if (!outcome) return std::move(outcome).error();
  for (const diff::PendingCapture& capture : *selected) log::detail("accepted {}", capture.target);
  log::info("accepted {} pending capture{}", outcome->promoted, outcome->promoted == 1 ? "" : "s");
  return ExitCode::Success;
}

}  // namespace

CommandAction setup_accept(CLI::App& sub) {
  auto options = std::make_shared<PendingOptions>();
  sub.footer(
      "Replaces each NAME.json with its pending NAME.json.new and removes the .new file. GLOBs match the\n"
      "pending path, the committed path or the path under --dir (poc/*.json; '*' also crosses '/'); none given: every pending capture.\n"
      "Every .new file is read and checked first; nothing changes before all are staged, so an\n"
      "interrupt leaves every file as it was. Exit: 0 done, 1 a .new file is not JSON, 2 a GLOB matched\n"
      "nothing, 3 I/O, 130 interrupted.");
  sub.add_option("globs", options->globs, "Which pending captures (shell glob on the path)");
  sub.add_option("--dir", options->dir, "Where the captures are (default fixtures_generated)");
  return [options] { return run_accept(*options); };
}

}  // namespace fixturegen::cli
