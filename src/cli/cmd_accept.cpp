// `fixturegen accept [GLOB...]`: promotes pending captures (NAME.json.new)
// over the committed NAME.json and records them in the lock, in one batch
// (regen::accept_pending).
#include <fixturegen/cli/command.hpp>
#include <fixturegen/cli/pending_selection.hpp>
#include <fixturegen/core/log.hpp>
#include <fixturegen/regen/pending.hpp>

#include <CLI/CLI.hpp>

#include <memory>
#include <string>
#include <vector>

namespace fixturegen::cli {
namespace {

struct AcceptOptions {
  std::vector<std::string> globs;
  OutputDirChoice where;
};

Expected<ExitCode> run_accept(const AcceptOptions& options) {
  auto selection = select_pending_for(options.where, options.globs, "accept");
  if (!selection) return std::move(selection).error();
  if (!*selection) return ExitCode::Success;
  const std::vector<diff::PendingCapture>& selected = (*selection)->selected;
  auto outcome = regen::accept_pending((*selection)->dir, selected);
  if (!outcome) return std::move(outcome).error();
  for (const diff::PendingCapture& capture : selected) log::detail("accepted {}", capture.target);
  for (const std::string& file : outcome->unrecorded) {
    log::warning("{} was accepted, but regen --pending did not record these bytes: the lock keeps the old record, so "
                 "`fixturegen status` calls the capture modified until the next regen",
                 file);
  }
  log::info("accepted {} pending capture{}{}", outcome->promoted, outcome->promoted == 1 ? "" : "s",
            outcome->lock_updated ? "; the lock records them" : "");
  return ExitCode::Success;
}

}  // namespace

CommandAction setup_accept(CLI::App& sub) {
  auto options = std::make_shared<AcceptOptions>();
  sub.footer(
      "Replaces each NAME.json with its pending NAME.json.new, removes the .new file and records the capture in\n"
      "DIR/fixturegen.lock (the sha256, command line and exit code regen --pending recorded). GLOBs match the\n"
      "pending path, the committed path or the path under --dir (poc/*.json; '*' also crosses '/'); none given:\n"
      "every pending capture. Every .new file is read and checked first; the captures, the lock and the removals\n"
      "are committed together, so an interrupt leaves every file as it was. Exit: 0 done, 1 a .new file is not\n"
      "JSON, 2 a GLOB matched nothing or a regen holds DIR, 3 I/O, 130 interrupted.");
  sub.add_option("globs", options->globs, "Which pending captures (shell glob on the path)");
  sub.add_option("--dir", options->where.dir,
                 "The output dir holding the captures and fixturegen.lock (default: the plan's output, else "
                 "fixtures_generated)");
  sub.add_option("--config", options->where.config, "The capture plan whose output dir to use (default fixturegen.toml)");
  return [options] { return run_accept(*options); };
}

}  // namespace fixturegen::cli
