#include <fixturegen/cli/command.hpp>
#include <fixturegen/core/interrupt.hpp>
#include <fixturegen/core/log.hpp>
#include <fixturegen/normalize/rule_accounting.hpp>
#include <fixturegen/process/child_process.hpp>
#include <fixturegen/process/sandbox_remover.hpp>
#include <fixturegen/regen/preflight.hpp>
#include <fixturegen/regen/pending.hpp>
#include <fixturegen/regen/regen.hpp>
#include <fixturegen/regen/run_lock.hpp>
#include <fixturegen/regen/runner.hpp>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <thread>

namespace fixturegen::cli {

namespace {

namespace fs = std::filesystem;

struct RegenOptions {
  std::string config = std::string(regen::kDefaultConfigFile);
  std::string engine;
  std::vector<std::string> tools;
  unsigned jobs = 0;
  std::vector<std::string> pocs;
  bool check = false;
  bool pending = false;
  bool dry_run = false;
  bool keep_sandboxes = false;
  std::string shard;
  std::string log_dir;
};

std::string env_or(const char* name, std::string fallback) {
  const char* value = std::getenv(name);
  return value && *value ? std::string(value) : std::move(fallback);
}

Expected<regen::PlanRequest> make_request(const RegenOptions& options, bool ask_engine_version) {
  regen::PlanRequest request;
  request.config_file = options.config;
  request.engine = options.engine;
  request.rocky_bin = env_or("ROCKY_BIN", "");
  request.path_env = env_or("PATH", "/usr/local/bin:/usr/bin:/bin");
  request.poc_globs = options.pocs;
  request.ask_engine_version = ask_engine_version;
  for (const std::string& tool : options.tools) {
    const std::size_t equals = tool.find('=');
    if (equals == std::string::npos || equals == 0 || equals + 1 == tool.size()) {
      return Error::usage(fmt::format("--tool \"{}\" is not NAME=PATH", tool), "e.g. --tool duckdb=/opt/duckdb/bin/duckdb");
    }
    request.tools.emplace_back(tool.substr(0, equals), tool.substr(equals + 1));
  }
  if (!options.shard.empty()) {
    auto shard = regen::parse_shard(options.shard);
    if (!shard) return std::move(shard).error();
    request.shard = *shard;
  }
  return request;
}

// --dry-run: the resolved plan on stdout, placeholders shown as such.
void print_plan(const regen::ResolvedPlan& plan) {
  std::string out;
  out += fmt::format("config:  {}\noutput:  {}\nengine:  {} -> {}\nrules:   {}\n", plan.config.file.string(),
                     plan.output_dir.string(), plan.engine.configured, plan.engine.path.string(), plan.rules.source);
  for (const auto& tool : plan.tools) out += fmt::format("tool:    {} = {} -> {}\n", tool.name, tool.configured, tool.path.string());
  for (const std::size_t index : plan.selected) {
    const regen::PocPlan& poc = plan.pocs[index];
    out += fmt::format("\npoc {} (output \"{}\"{})\n", poc.name, poc.output,
                       poc.clean.empty() ? "" : fmt::format(", clean {}", fmt::join(poc.clean, " ")));
    for (const regen::Step& step : poc.steps) {
      std::vector<std::string> argv{step.tool.empty() ? plan.engine.configured : plan.tool(step.tool)->configured};
      argv.insert(argv.end(), step.args.begin(), step.args.end());
      out += fmt::format("  {}. {}", step.number, process::shell_quote(argv));
      if (!step.stdin_file.empty()) out += fmt::format(" < {}", step.stdin_file);
      if (!step.capture.empty()) out += fmt::format("  -> {}", poc.capture_file(step));
      for (const auto& [name, pointer] : step.bind) out += fmt::format("  bind {{{}}} = {}", name, pointer);
      out += '\n';
    }
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  std::fflush(stdout);
}

Expected<ExitCode> run_regen(const RegenOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  auto request = make_request(options, !options.dry_run);
  if (!request) return std::move(request).error();
  auto prepared = regen::prepare_plan(*request);
  if (!prepared) return std::move(prepared).error();
  const regen::ResolvedPlan& plan = *prepared;
  if (options.dry_run) {
    print_plan(plan);
    return ExitCode::Success;
  }

  // One regen per output dir; a check only reads, so checks share it.
  std::error_code ec;
  if (!options.check) {
    fs::create_directories(plan.output_dir, ec);
    if (ec) return Error::io(fmt::format("{}: cannot create the output dir: {}", plan.output_dir.string(), ec.message()));
  }
  std::optional<regen::RunLock> lock;
  if (fs::is_directory(plan.output_dir, ec)) {
    auto acquired = regen::RunLock::acquire(plan.output_dir, !options.check);
    if (!acquired) return std::move(acquired).error();
    lock.emplace(std::move(*acquired));
  }

  regen::RunOptions run_options;
  run_options.jobs = options.jobs > 0 ? options.jobs : std::max(1u, std::thread::hardware_concurrency());
  run_options.keep_sandboxes = options.keep_sandboxes;
  run_options.log_dir = options.log_dir.empty() ? plan.config.root / ".fixturegen" / "logs" : fs::path(options.log_dir);
  // Declared before the runs and the writes: the last POCs' sandboxes are
  // deleted while the captures are written, all before regen returns.
  process::SandboxRemover sandbox_remover;
  run_options.remover = &sandbox_remover;
  log::info("{} {} of {} POCs with {} ({}), {} at once", options.check ? "checking" : "capturing", plan.selected.size(),
            plan.pocs.size(), plan.engine.configured, plan.engine_version, run_options.jobs);

  const std::vector<regen::PocRun> runs = regen::run_pocs(plan, run_options);

  std::size_t failed = 0;
  std::size_t captures = 0;
  ExitCode worst = ExitCode::Success;
  bool stopped = interrupted();
  for (const regen::PocRun& run : runs) {
    if (run.interrupted) stopped = true;
    if (run.error) {
      ++failed;
      log::error(*run.error);
      if (worst == ExitCode::Success || run.error->code() == ExitCode::EngineOrIoError) worst = run.error->code();
    }
    captures += run.captures.size();
  }
  if (stopped) {
    return Error::interrupted("interrupted: the engine was stopped, the sandboxes removed, and no fixture was changed");
  }
  // Rule accounting: a rule is dead only when every capture of the plan was
  // normalized (no filter, no failed POC) and it still never fired.
  normalize::RuleFirings firings;
  for (const regen::PocRun& run : runs) firings.add(run.firings);
  const auto log_rule_counts = [&] {
    log::info("{}", normalize::render_rule_counts(*plan.compiled_rules, firings, !plan.filtered && failed == 0));
  };
  const auto seconds = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  };

  if (options.check) {
    // Orphans are a property of the whole corpus: a full check reports them,
    // and of a sharded check only shard 1, so exactly one job fails on them.
    const bool with_orphans = options.pocs.empty() && (!request->shard || request->shard->index == 1);
    auto report = regen::check_against_corpus(plan, runs, with_orphans);
    if (!report) return std::move(report).error();
    std::fwrite(report->text.data(), 1, report->text.size(), stdout);
    std::fflush(stdout);
    log::info("check: {} POCs, {} captures, {} failed, corpus {} in {:.1f} s", runs.size(), captures, failed,
              report->differs ? "differs" : "matches", seconds());
    log_rule_counts();
    if (report->differs) {
      log::hint("run `fixturegen regen` and commit the result if the change is intended");
      if (worst == ExitCode::Success) worst = ExitCode::CheckFailed;
    }
    return worst;
  }

  auto written = options.pending ? regen::write_pending_captures(plan, runs) : regen::write_captures(plan, runs);
  if (!written) return std::move(written).error();
  if (!written->committed) {
    return Error::interrupted("interrupted: the engine was stopped, the sandboxes removed, and no fixture was changed");
  }
  for (const auto& stale : written->pending_removed) log::info("removed stale pending capture {}/{}", plan.config.output, stale);
  for (const auto& kept : written->pending_kept) {
    log::warning("{}/{} was left: it is stale beside its capture, but regen --pending did not write it (not in the "
                 "lock); `fixturegen reject` deletes it",
                 plan.config.output, kept);
  }
  if (options.pending) {
    for (const auto& orphan : written->orphans_kept) log::warning("orphan {}/{}: no step produces it (a pending regen removes nothing)", plan.config.output, orphan);
    log::info("regen --pending: {} POCs, {} captures, {} pending review, {} failed in {:.1f} s", runs.size(), written->captures,
              written->pending, failed, seconds());
    if (written->pending > 0) log::hint("`fixturegen review` shows them; `fixturegen accept [GLOB...]` or `reject [GLOB...]` settles them");
    log_rule_counts();
    return worst;
  }
  for (const auto& orphan : written->orphans_removed) log::info("removed orphan {} (regen wrote it earlier; no step produces it now)", orphan);
  for (const auto& orphan : written->orphans_kept) {
    log::warning("orphan {}/{}: no step produces it; {}", plan.config.output, orphan,
                 plan.filtered ? "a filtered regen (--poc, --shard) never removes files" : "not in fixturegen.lock, so regen did not write it: delete it by hand if it is stale");
  }
  log::info("regen: {} POCs, {} captures, {} changed, {} failed in {:.1f} s", runs.size(), written->captures, written->changed,
            failed, seconds());
  log_rule_counts();
  return worst;
}

}  // namespace

CommandAction setup_regen(CLI::App& sub) {
  auto options = std::make_shared<RegenOptions>();
  sub.footer(
      "Runs the capture plan (fixturegen.toml and each POC's capture.toml; README.md, \"The capture plan\"):\n"
      "each POC in a sandbox copy, its steps in order, stdout normalized into <output>/<poc output>/<capture>.json.\n"
      "Engine: --engine PATH, else $ROCKY_BIN, else [engine].command. Logs of failed POCs: .fixturegen/logs/.\n"
      "--pending leaves changed captures as NAME.json.new (docs/diff.md: review, accept, reject).\n"
      "Exit: 0 done, 1 --check found drift, 2 plan or usage error, 3 a step failed, 130 interrupted.");
  sub.add_option("--config", options->config, "The project's capture plan")->capture_default_str();
  sub.add_option("--engine", options->engine, "The engine program (overrides ROCKY_BIN and [engine].command)");
  sub.add_option("--tool", options->tools, "NAME=PATH: a step tool's program (overrides [tools])");
  sub.add_option("-j,--jobs", options->jobs, "POCs run at once (default: the number of cores)")->check(CLI::Range(1u, 256u));
  sub.add_option("--poc", options->pocs, "Only POCs matching this glob (repeatable); never removes orphans");
  auto* check = sub.add_flag("--check", options->check, "Capture and compare with the committed corpus; write nothing; exit 1 on drift");
  auto* pending = sub.add_flag("--pending", options->pending,
                               "Write each changed capture beside the committed one as NAME.json.new, for review/accept/reject");
  auto* dry_run = sub.add_flag("--dry-run", options->dry_run, "Print the resolved plan and run nothing");
  sub.add_flag("--keep-sandboxes", options->keep_sandboxes, "Leave each POC's sandbox for a post-mortem");
  sub.add_option("--shard", options->shard, "I/N: only this deterministic share of the POCs (CI matrices)");
  sub.add_option("--log-dir", options->log_dir, "Where failed POCs' step logs go (default: .fixturegen/logs beside the config)");
  dry_run->excludes(check);
  pending->excludes(check);
  pending->excludes(dry_run);
  return [options] { return run_regen(*options); };
}

}  // namespace fixturegen::cli
