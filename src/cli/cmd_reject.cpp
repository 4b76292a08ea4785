// `fixturegen reject [GLOB...]`: deletes pending captures (NAME.json.new)
// and drops their records from the lock, in one batch
// (regen::reject_pending); the committed NAME.json stay.
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

struct RejectOptions {
  std::vector<std::string> globs;
  OutputDirChoice where;
};

Expected<ExitCode> run_reject(const RejectOptions& options) {
  auto selection = select_pending_for(options.where, options.globs, "reject");
  if (!selection) return std::move(selection).error();
  if (!*selection) return ExitCode::Success;
  const std::vector<diff::PendingCapture>& selected = (*selection)->selected;
  auto outcome = regen::reject_pending((*selection)->dir, selected);
  if (!outcome) return std::move(outcome).error();
  for (const diff::PendingCapture& capture : selected) log::detail("rejected {}", capture.pending);
  log::info("rejected {} pending capture{}", outcome->removed, outcome->removed == 1 ? "" : "s");
  if (outcome->lock_updated) log::hint("`fixturegen status` shows their POCs as stale until a regen: the engine still makes the rejected bytes");
  return ExitCode::Success;
}

}  // namespace

CommandAction setup_reject(CLI::App& sub) {
  auto options = std::make_shared<RejectOptions>();
  sub.footer(
      "Deletes each pending NAME.json.new and drops its record from DIR/fixturegen.lock, in one batch;\n"
      "NAME.json is never touched. GLOBs match the pending or the committed path or the path under --dir\n"
      "(poc/*.json; '*' also crosses '/'); none given: every pending capture.\n"
      "Exit: 0 done, 2 a GLOB matched nothing or a regen holds DIR, 3 I/O, 130 interrupted.");
  sub.add_option("globs", options->globs, "Which pending captures (shell glob on the path)");
  sub.add_option("--dir", options->where.dir,
                 "The output dir holding the captures and fixturegen.lock (default: the plan's output, else "
                 "fixtures_generated)");
  sub.add_option("--config", options->where.config, "The capture plan whose output dir to use (default fixturegen.toml)");
  return [options] { return run_reject(*options); };
}

}  // namespace fixturegen::cli
