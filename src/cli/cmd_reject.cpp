// `fixturegen reject [GLOB...]`: deletes pending captures (NAME.json.new)
// and drops their records from the lock, in one batch
// (regen::reject_pending); the committed NAME.json stay.
#include <fixturegen/cli/command.hpp>
#include <fixturegen/cli/output_dir.hpp>
#include <fixturegen/core/log.hpp>
#include <fixturegen/diff/pending.hpp>
#include <fixturegen/regen/pending.hpp>
#include <fixturegen/regen/run_lock.hpp>

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
  Expected<std::string> dir = resolve_output_dir(options.where);
  if (!dir) return std::move(dir).error();
  auto found = diff::find_pending({*dir});
  if (!found) return std::move(found).error();
  auto selected = diff::select_pending(*found, options.globs);
  if (!selected) return std::move(selected).error();
  if (selected->empty()) {
    log::info("nothing to reject: no pending captures (NAME.json.new) under {}", *dir);
    return ExitCode::Success;
  }
  auto run_lock = regen::RunLock::acquire(*dir, true);
  if (!run_lock) return std::move(run_lock).error();
  auto outcome = regen::reject_pending(*dir, *selected);
  if (!outcome) return std::move(outcome).error();
  for (const diff::PendingCapture& capture : *selected) log::detail("rejected {}", capture.pending);
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
