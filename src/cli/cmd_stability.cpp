#include <fixturegen/cli/command.hpp>
#include <fixturegen/core/interrupt.hpp>
#include <fixturegen/core/log.hpp>
#include <fixturegen/normalize/rule_accounting.hpp>
#include <fixturegen/normalize/rules_file.hpp>
#include <fixturegen/regen/preflight.hpp>
#include <fixturegen/regen/runner.hpp>
#include <fixturegen/stability/analysis.hpp>
#include <fixturegen/stability/report.hpp>
#include <fixturegen/stability/variation.hpp>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <thread>
#include <unistd.h>

namespace fixturegen::cli {

namespace {

namespace fs = std::filesystem;

struct StabilityOptions {
  std::string config = std::string(regen::kDefaultConfigFile);
  std::string engine;
  std::vector<std::string> tools;
  std::vector<std::string> pocs;
  unsigned runs = 2;
  unsigned jobs = 0;
  std::string rules_file;
  std::string format = "text";
};

std::string env_or(const char* name, std::string fallback) {
  const char* value = std::getenv(name);
  return value && *value ? std::string(value) : std::move(fallback);
}

// A fresh temp folder of our own for one run's sandboxes; later runs nest one
// level deeper, so the sandbox path differs in length as well as in name.
// Removed (only if empty: the sandboxes remove themselves) when it goes away.
class RunTempParent {
public:
  static Expected<RunTempParent> create(std::size_t run) {
    const fs::path base = env_or("TMPDIR", "/tmp");
    std::string pattern = (base / "fixturegen-stability-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      return Error::io(fmt::format("cannot make a temp folder under {}: {}", base.string(), std::strerror(errno)),
                       "set TMPDIR to a writable folder");
    }
    RunTempParent parent;
    parent.m_top = pattern;
    parent.m_path = parent.m_top;
    if (run > 0) {
      parent.m_path = parent.m_top / fmt::format("run-{}-varied-sandbox-parent", run + 1);
      std::error_code ec;
      fs::create_directory(parent.m_path, ec);
      if (ec) return Error::io(fmt::format("cannot make {}: {}", parent.m_path.string(), ec.message()));
    }
    return parent;
  }
  RunTempParent(RunTempParent&& other) noexcept : m_top(std::move(other.m_top)), m_path(std::move(other.m_path)) {
    other.m_top.clear();
  }
  RunTempParent(const RunTempParent&) = delete;
  RunTempParent& operator=(const RunTempParent&) = delete;
  RunTempParent& operator=(RunTempParent&&) = delete;
  ~RunTempParent() {
    if (m_top.empty()) return;
    std::error_code ec;
    if (m_path != m_top) fs::remove(m_path, ec);  // fs::remove never removes a non-empty folder
    fs::remove(m_top, ec);
  }
  const fs::path& path() const { return m_path; }

private:
  RunTempParent() = default;
  fs::path m_top;
  fs::path m_path;
};

std::string machine_host_name() {
  char buffer[256] = {};
  if (::gethostname(buffer, sizeof buffer - 1) != 0) return {};
  return buffer;
}

Expected<ExitCode> run_stability(const StabilityOptions& options) {
  if (options.format != "text" && options.format != "json") {
    return Error::usage(fmt::format("--format {}: expected text or json", options.format));
  }
  regen::PlanRequest request;
  request.config_file = options.config;
  request.engine = options.engine;
  request.rocky_bin = env_or("ROCKY_BIN", "");
  request.path_env = env_or("PATH", "/usr/local/bin:/usr/bin:/bin");
  request.poc_globs = options.pocs;
  for (const std::string& tool : options.tools) {
    const std::size_t equals = tool.find('=');
    if (equals == std::string::npos || equals == 0 || equals + 1 == tool.size()) {
      return Error::usage(fmt::format("--tool \"{}\" is not NAME=PATH", tool), "e.g. --tool duckdb=/opt/duckdb/bin/duckdb");
    }
    request.tools.emplace_back(tool.substr(0, equals), tool.substr(equals + 1));
  }
  auto prepared = regen::prepare_plan(request);
  if (!prepared) return std::move(prepared).error();
  regen::ResolvedPlan& plan = *prepared;
  if (!options.rules_file.empty()) {
    // The rules under test replace the plan's: "would these rules be enough?"
    auto rules = normalize::load_rules_file(options.rules_file);
    if (!rules) return std::move(rules).error();
    auto compiled = normalize::compile_rules(*rules);
    if (!compiled) return std::move(compiled).error();
    plan.rules = std::move(*rules);
    plan.compiled_rules = std::make_shared<const normalize::CompiledRules>(std::move(*compiled));
  }

  stability::ClassifyContext context;
  if (std::string host = machine_host_name(); !host.empty()) context.host_names.push_back(std::move(host));
  context.engine_versions = stability::version_numbers_in(plan.engine_version);
  context.temp_roots.push_back(env_or("TMPDIR", "/tmp"));

  // The runs one after another (a later run sees a later wall clock); the
  // POCs of one run in parallel, as regen runs them. Nothing is written into
  // the output dir: captures stay in memory, sandboxes in our temp folders.
  std::vector<stability::StabilityRun> runs;
  std::vector<std::string> labels;
  for (std::size_t r = 0; r < options.runs; ++r) {
    if (interrupted()) return Error::interrupted("interrupted: no file was changed");
    auto parent = RunTempParent::create(r);
    if (!parent) return std::move(parent).error();
    const stability::RunVariation variation = stability::variation_for(r);
    regen::RunOptions run_options;
    run_options.jobs = options.jobs > 0 ? options.jobs : std::max(1u, std::thread::hardware_concurrency());
    run_options.sandbox_parent = parent->path();
    run_options.keep_raw = true;
    run_options.record_rule_locations = true;
    run_options.varied_env = variation.env;
    run_options.log_dir = plan.config.root / ".fixturegen" / "logs";
    labels.push_back(fmt::format("run {}: {}, sandboxes under {}", r + 1, variation.description, parent->path().string()));
    log::info("stability {}", labels.back());
    context.temp_roots.push_back(parent->path().string());

    std::vector<regen::PocRun> poc_runs = regen::run_pocs(plan, run_options);
    std::optional<Error> first_error;
    bool stopped = interrupted();
    stability::StabilityRun run;
    run.label = fmt::format("run {}", r + 1);
    for (regen::PocRun& poc_run : poc_runs) {
      if (poc_run.interrupted) stopped = true;
      if (poc_run.error) {
        Error error = *poc_run.error;
        error.message = fmt::format("run {}: {}", r + 1, error.message);
        if (first_error) log::error(error);
        else first_error = std::move(error);
        continue;
      }
      for (regen::CapturedFile& capture : poc_run.captures) {
        run.captures[capture.file] = {std::move(capture.raw), std::move(capture.bytes)};
      }
      run.firings.add(poc_run.firings);
    }
    if (stopped) return Error::interrupted("interrupted: the engine was stopped, the sandboxes removed, no file was changed");
    if (first_error) return std::move(*first_error);
    if (r == 0) log::info("{}", normalize::render_rule_counts(*plan.compiled_rules, run.firings, !plan.filtered));
    runs.push_back(std::move(run));
  }

  auto analysis = stability::analyze_runs(runs, *plan.compiled_rules, context);
  if (!analysis) return std::move(analysis).error();
  const stability::StabilityReport report = stability::make_report(std::move(*analysis), labels, plan.rules);
  const std::string text = options.format == "json" ? stability::render_json(report) : stability::render_text(report);
  std::fwrite(text.data(), 1, text.size(), stdout);
  if (std::fflush(stdout) != 0) return Error::io("cannot write to standard output");
  // On stderr too, so that --format json and a quick look both see them.
  for (const stability::QuietRule& quiet : report.analysis.quiet_rules) {
    log::warning("rule {} replaced {} value(s) that were the same in every run: it may hide a real regression", quiet.rule,
                 quiet.locations);
  }
  if (!report.analysis.stable()) {
    log::info("unstable: {} finding(s) in {} run(s)", report.analysis.findings.size(), report.analysis.runs);
    log::hint(report.fragment.empty()
                  ? "no normalize rule can fix these (key order, structure): the engine is nondeterministic there"
                  : "paste the proposed rules into the rules file (docs/stability.md), then run stability again");
    return ExitCode::CheckFailed;
  }
  log::info("stable: {} capture(s) the same in {} run(s)", report.analysis.captures, report.analysis.runs);
  return ExitCode::Success;
}

}  // namespace

CommandAction setup_stability(CLI::App& sub) {
  auto options = std::make_shared<StabilityOptions>();
  sub.footer(
      "Captures the selected POCs --runs times through the capture plan, each later run with another TZ and locale,\n"
      "another sandbox path and a later clock, and compares the normalized captures per JSON Pointer. Every field\n"
      "that differs is one the rules miss: its values are classified and a rule to paste is proposed (docs/stability.md).\n"
      "Writes nothing into the output dir.\n"
      "Exit: 0 stable, 1 unstable, 2 plan, rules or usage error, 3 a step failed, 130 interrupted.");
  sub.add_option("--config", options->config, "The project's capture plan")->capture_default_str();
  sub.add_option("--engine", options->engine, "The engine program (overrides ROCKY_BIN and [engine].command)");
  sub.add_option("--tool", options->tools, "NAME=PATH: a step tool's program (overrides [tools])");
  sub.add_option("--poc", options->pocs, "Only POCs matching this glob (repeatable)");
  sub.add_option("--runs", options->runs, "How many times to capture (default 2)")->check(CLI::Range(2u, 20u))->capture_default_str();
  sub.add_option("-j,--jobs", options->jobs, "POCs run at once within a run (default: the number of cores)")->check(CLI::Range(1u, 256u));
  sub.add_option("--rules", options->rules_file, "Normalize with this rules file instead of the plan's [normalize]")
      ->check(CLI::ExistingFile);
  sub.add_option("--format", options->format, "text or json")->capture_default_str();
  return [options] { return run_stability(*options); };
}

}  // namespace fixturegen::cli
