#include <fixturegen/io/file.hpp>
#include <fixturegen/normalize/rules_file.hpp>
#include <fixturegen/process/child_process.hpp>
#include <fixturegen/regen/preflight.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cstdlib>
#include <fnmatch.h>
#include <unistd.h>
#include <map>
#include <set>

namespace fixturegen::regen {

namespace fs = std::filesystem;

const ResolvedProgram* ResolvedPlan::tool(std::string_view name) const {
  for (const auto& entry : tools) {
    if (entry.name == name) return &entry;
  }
  return nullptr;
}

std::vector<std::string> ResolvedPlan::planned_files() const {
  std::vector<std::string> files;
  for (const auto& poc : pocs) {
    for (const auto& step : poc.steps) {
      if (!step.capture.empty()) files.push_back(poc.capture_file(step));
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::vector<std::string> step_environment(const ResolvedPlan& plan, const Step& step, const fs::path& home,
                                          const fs::path& tmp, const NamedValues& varied) {
  std::map<std::string, std::string> env{
      {"TZ", "UTC"}, {"LC_ALL", "C"}, {"HOME", home.string()}, {"TMPDIR", tmp.string()}, {"PATH", plan.path_env}};
  for (const auto& [key, value] : varied) env[key] = value;
  for (const auto& [key, value] : plan.config.env) env[key] = value;
  for (const auto& [key, value] : plan.passed_env) env[key] = value;
  for (const auto& [key, value] : step.env) env[key] = value;
  std::vector<std::string> out;
  out.reserve(env.size());
  for (const auto& [key, value] : env) out.push_back(key + "=" + value);
  return out;
}

namespace {

std::string stable_program_name(const std::string& configured, const fs::path& path, const fs::path& root) {
  if (configured.find('/') == std::string::npos) return configured;
  std::error_code ec;
  const fs::path absolute_root = fs::absolute(root, ec).lexically_normal();
  const fs::path relative = path.lexically_relative(absolute_root);
  if (!relative.empty() && *relative.begin() != "..") return relative.generic_string();
  return path.generic_string();
}

// A program as the config or the command line names it: with a '/', a path
// (relative to `base`); otherwise a name looked up on PATH.
Expected<fs::path> resolve_program(const std::string& program, const fs::path& base, const std::string& path_env) {
  if (program.find('/') != std::string::npos) {
    const fs::path path = fs::path(program).is_absolute() ? fs::path(program) : base / program;
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) return Error::config(fmt::format("{} does not exist", path.string()));
    if (::access(path.c_str(), X_OK) != 0) return Error::config(fmt::format("{} is not executable", path.string()));
    return fs::absolute(path, ec).lexically_normal();
  }
  return process::find_program(program, path_env);
}

// Runs `ENGINE --version` (a pinned environment, a short timeout).
Expected<std::string> engine_version(const fs::path& engine, const std::string& path_env) {
  process::ChildSpec spec;
  spec.argv = {engine.string(), "--version"};
  spec.working_dir = fs::temp_directory_path();
  spec.env = {"TZ=UTC", "LC_ALL=C", "PATH=" + path_env};
  spec.timeout = std::chrono::seconds(30);
  spec.max_stdout_bytes = 1 << 20;
  auto result = process::run_child(spec);
  if (!result) return std::move(result).error();
  if (result->interrupted) return Error::interrupted();
  const std::string command = process::shell_quote(spec.argv);
  if (result->timed_out) return Error::config(fmt::format("`{}` did not finish in 30 s", command));
  if (!result->exit_status || *result->exit_status != 0) {
    std::string tail = result->stderr_tail;
    while (!tail.empty() && tail.back() == '\n') tail.pop_back();
    return Error::config(fmt::format("`{}` failed ({}){}", command,
                                     result->exit_status ? fmt::format("exit {}", *result->exit_status)
                                                         : fmt::format("signal {}", result->signal.value_or(0)),
                                     tail.empty() ? "" : ": " + tail.substr(tail.size() > 300 ? tail.size() - 300 : 0)));
  }
  std::string line = result->stdout_bytes.substr(0, result->stdout_bytes.find('\n'));
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
  if (line.empty()) return Error::config(fmt::format("`{}` printed no version", command));
  return line;
}

}  // namespace

Expected<ResolvedPlan> prepare_plan(const PlanRequest& request) {
  auto config = load_project_config(request.config_file);
  if (!config) return std::move(config).error();

  ResolvedPlan plan;
  plan.config = std::move(*config);
  plan.path_env = request.path_env;
  for (const std::string& name : plan.config.pass_env) {
    if (const char* value = std::getenv(name.c_str())) plan.passed_env.emplace_back(name, value);
  }
  const fs::path& root = plan.config.root;
  plan.output_dir = (root / plan.config.output).lexically_normal();
  PlanProblems problems;
  const std::string config_name = request.config_file.string();

  // Normalizer rules.
  const fs::path rules_file = plan.config.normalize_rules.empty() ? fs::path() : root / plan.config.normalize_rules;
  if (auto rules = normalize::resolve_rules(plan.config.normalize_profile, rules_file)) {
    plan.rules = std::move(*rules);
    plan.rules_digest = rules_digest(plan.rules);
    if (auto compiled = normalize::compile_rules(plan.rules)) {
      plan.compiled_rules = std::make_shared<const normalize::CompiledRules>(std::move(*compiled));
    } else {
      problems.add(compiled.error().message);
    }
  } else {
    problems.add(fmt::format("{}: [normalize]: {}", config_name, rules.error().message));
  }

  // The output dir must not lead out of the project through a symlink.
  if (!path_stays_inside(root, plan.output_dir)) {
    problems.add(fmt::format("{}: output \"{}\" leads outside the project (a symlink?)", config_name, plan.config.output));
  }

  // Every POC, its plan and the files it names.
  std::map<std::string, std::string> output_files;  // file -> "POC step N"
  std::set<std::string> tools_used;
  for (const PocEntry& entry : plan.config.pocs) {
    const fs::path dir = (root / entry.name).lexically_normal();
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) {
      problems.add(entry.where, fmt::format("POC \"{}\" does not exist ({} is not a folder)", entry.name, dir.string()));
      continue;
    }
    if (!path_stays_inside(root, dir)) {
      problems.add(entry.where, fmt::format("POC \"{}\" leads outside the project (a symlink?)", entry.name));
      continue;
    }
    const fs::path plan_file = dir / kPocPlanFile;
    if (!fs::is_regular_file(plan_file, ec)) {
      problems.add(entry.where, fmt::format("POC \"{}\" has no {} (its capture plan)", entry.name, kPocPlanFile));
      continue;
    }
    auto text = io::read_file(plan_file);
    if (!text) {
      problems.add(text.error().message);
      continue;
    }
    auto poc = parse_poc_plan(*text, entry.name, dir, problems);
    if (!poc) continue;
    for (const Step& step : poc->steps) {
      if (!step.tool.empty()) {
        tools_used.insert(step.tool);
        const bool known = std::any_of(plan.config.tools.begin(), plan.config.tools.end(), [&](const auto& t) { return t.first == step.tool; }) ||
                           std::any_of(request.tools.begin(), request.tools.end(), [&](const auto& t) { return t.first == step.tool; });
        if (!known) {
          problems.add(step.where, fmt::format("step {}: tool \"{}\" is not in [tools] of {} (add {} = \"PROGRAM\" there, or pass --tool {}=PATH)",
                                               step.number, step.tool, config_name, step.tool, step.tool));
        }
      }
      if (!step.stdin_file.empty() && placeholders_in(step.stdin_file).empty()) {
        const fs::path stdin_path = dir / step.stdin_file;
        if (!fs::is_regular_file(stdin_path, ec)) {
          problems.add(step.where, fmt::format("step {}: stdin file \"{}\" does not exist in the POC", step.number, step.stdin_file));
        } else if (!path_stays_inside(dir, stdin_path)) {
          problems.add(step.where, fmt::format("step {}: stdin file \"{}\" leads outside the POC (a symlink)", step.number, step.stdin_file));
        }
      }
      if (!step.capture.empty()) {
        const std::string file = poc->capture_file(step);
        const std::string who = fmt::format("{} step {}", entry.name, step.number);
        if (auto [it, inserted] = output_files.emplace(file, who); !inserted) {
          problems.add(step.where, fmt::format("step {}: writes {}, which {} writes too (change `output` or the capture name)",
                                               step.number, file, it->second));
        }
      }
    }
    plan.pocs.push_back(std::move(*poc));
  }

  // Tools, from --tool (relative to the working dir) or [tools] (relative to the config's folder).
  for (const std::string& name : tools_used) {
    std::string configured;
    fs::path base = root;
    for (const auto& [tool, program] : plan.config.tools) {
      if (tool == name) configured = program;
    }
    for (const auto& [tool, program] : request.tools) {
      if (tool == name) {
        configured = program;
        base = fs::current_path();
      }
    }
    if (configured.empty()) continue;  // reported above
    auto path = resolve_program(configured, base, plan.path_env);
    if (!path) {
      problems.add(fmt::format("tool \"{}\" (\"{}\"): {}", name, configured, path.error().message));
      continue;
    }
    plan.tools.push_back({name, configured, *path, stable_program_name(configured, *path, root)});
  }

  // The engine: --engine, else $ROCKY_BIN, else [engine].command.
  {
    std::string configured = plan.config.engine_command;
    std::string from = fmt::format("[engine].command in {}", config_name);
    fs::path base = root;
    if (!request.engine.empty()) {
      configured = request.engine;
      from = "--engine";
      base = fs::current_path();
    } else if (!request.rocky_bin.empty()) {
      configured = request.rocky_bin;
      from = "ROCKY_BIN";
      base = fs::current_path();
    }
    auto path = resolve_program(configured, base, plan.path_env);
    if (!path) {
      problems.add(fmt::format("engine \"{}\" (from {}): {}", configured, from, path.error().message));
    } else {
      plan.engine = {"engine", configured, *path, stable_program_name(configured, *path, root)};
      if (request.ask_engine_version) {
        auto version = engine_version(*path, plan.path_env);
        if (!version) {
          if (version.error().kind == ErrorKind::Interrupted) return std::move(version).error();
          problems.add(fmt::format("engine \"{}\": {}", configured, version.error().message));
        } else {
          plan.engine_version = std::move(*version);
          if (!plan.config.engine_version.empty() && plan.engine_version.find(plan.config.engine_version) == std::string::npos) {
            problems.add(fmt::format("engine \"{}\" is version \"{}\", but {} pins version = \"{}\" (build or point at the pinned engine, or update the pin)",
                                     configured, plan.engine_version, config_name, plan.config.engine_version));
          }
        }
      }
    }
  }

  // The lock file of the previous run.
  auto lock = load_lock(plan.output_dir / kLockFileName);
  if (!lock) {
    problems.add(lock.error().message);
  } else {
    plan.lock = std::move(*lock);
  }

  // Which POCs run: --poc globs, then --shard.
  std::vector<std::size_t> candidates;
  for (std::size_t i = 0; i < plan.pocs.size(); ++i) {
    const bool wanted = request.poc_globs.empty() ||
                        std::any_of(request.poc_globs.begin(), request.poc_globs.end(), [&](const std::string& glob) {
                          return ::fnmatch(glob.c_str(), plan.pocs[i].name.c_str(), 0) == 0;
                        });
    if (wanted) candidates.push_back(i);
  }
  for (const std::string& glob : request.poc_globs) {
    const bool matches = std::any_of(plan.config.pocs.begin(), plan.config.pocs.end(), [&](const PocEntry& entry) {
      return ::fnmatch(glob.c_str(), entry.name.c_str(), 0) == 0;
    });
    if (!matches) problems.add(fmt::format("--poc \"{}\" matches no POC of {}", glob, config_name));
  }
  if (request.shard) {
    std::vector<std::string> names;
    std::vector<std::int64_t> weights;
    for (const std::size_t i : candidates) {
      names.push_back(plan.pocs[i].name);
      const LockedPoc* locked = plan.lock ? plan.lock->find(plan.pocs[i].name) : nullptr;
      // Without a duration, a POC weighs as many seconds as it has steps.
      weights.push_back(locked && locked->duration_ms > 0 ? locked->duration_ms
                                                          : static_cast<std::int64_t>(plan.pocs[i].steps.size()) * 1000);
    }
    std::vector<std::size_t> mine;
    for (const std::size_t k : shard_pocs(names, weights, *request.shard)) mine.push_back(candidates[k]);
    candidates = std::move(mine);
  }
  plan.selected = std::move(candidates);
  plan.filtered = !request.poc_globs.empty() || (request.shard && request.shard->count > 1);

  if (!problems.empty()) return problems.to_error("the capture plan");
  return plan;
}

}  // namespace fixturegen::regen
