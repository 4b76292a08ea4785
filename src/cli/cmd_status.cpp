#include <fixturegen/cli/command.hpp>
#include <fixturegen/core/log.hpp>
#include <fixturegen/regen/preflight.hpp>
#include <fixturegen/regen/status.hpp>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cstdio>
#include <cstdlib>
#include <memory>

namespace fixturegen::cli {

namespace {

struct StatusOptions {
  std::string config = std::string(regen::kDefaultConfigFile);
  std::string engine;
  bool all = false;
};

Expected<ExitCode> run_status(const StatusOptions& options) {
  regen::PlanRequest request;
  request.config_file = options.config;
  request.engine = options.engine;
  const char* rocky_bin = std::getenv("ROCKY_BIN");
  request.rocky_bin = rocky_bin ? rocky_bin : "";
  const char* path = std::getenv("PATH");
  request.path_env = path ? path : "/usr/local/bin:/usr/bin:/bin";
  auto plan = regen::prepare_plan(request);
  if (!plan) return std::move(plan).error();
  auto statuses = regen::capture_status(*plan);
  if (!statuses) return std::move(statuses).error();

  std::string out;
  std::size_t not_current = 0;
  for (const auto& status : *statuses) {
    const bool current = status.state == regen::CaptureState::Current;
    if (!current) ++not_current;
    if (current && !options.all) continue;
    out += fmt::format("{:<9} {}/{}{}\n", regen::capture_state_name(status.state), plan->config.output, status.file,
                       status.reason.empty() ? "" : fmt::format("  ({})", status.reason));
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  std::fflush(stdout);
  log::info("{} captures, {} not current", statuses->size(), not_current);
  if (not_current == 0) return ExitCode::Success;
  log::hint("run `fixturegen regen` (or --poc GLOB for some POCs) to bring them up to date");
  return ExitCode::CheckFailed;
}

}  // namespace

CommandAction setup_status(CLI::App& sub) {
  auto options = std::make_shared<StatusOptions>();
  sub.footer(
      "Which captures a regen would change, from <output>/fixturegen.lock: a POC's files, the normalizer rules\n"
      "or the engine's version changed, a capture is new, missing, edited by hand, an orphan, or pending review\n"
      "(a NAME.json.new from regen --pending: fixturegen review, then accept or reject). Runs no step\n"
      "(only `ENGINE --version`). Exit: 0 all current, 1 something is not, 2 plan error, 3 I/O.");
  sub.add_option("--config", options->config, "The project's capture plan")->capture_default_str();
  sub.add_option("--engine", options->engine, "The engine program (overrides ROCKY_BIN and [engine].command)");
  sub.add_flag("--all", options->all, "Also list the captures that are current");
  return [options] { return run_status(*options); };
}

}  // namespace fixturegen::cli
