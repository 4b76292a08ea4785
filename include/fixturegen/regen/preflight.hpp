#pragma once

// Preflight: everything regen checks before it runs a single step. The
// engine resolves (--engine PATH, else $ROCKY_BIN, else [engine].command) and
// its `--version` matches the pin; every POC, capture.toml, stdin file and
// tool exists; paths stay inside their folders. All problems are reported
// together as one configuration error, and nothing is touched.

#include <fixturegen/core/error.hpp>
#include <fixturegen/normalize/rules.hpp>
#include <fixturegen/regen/capture_plan.hpp>
#include <fixturegen/regen/lock_file.hpp>
#include <fixturegen/regen/shard.hpp>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace fixturegen::regen {

// What the command line asks for.
struct PlanRequest {
  std::filesystem::path config_file{std::string(kDefaultConfigFile)};
  std::string engine;                  // --engine PATH ("" = not given)
  std::string rocky_bin;               // $ROCKY_BIN ("" = unset)
  NamedValues tools;                   // --tool NAME=PATH
  std::vector<std::string> poc_globs;  // --poc GLOB (fnmatch on the POC's name)
  std::optional<ShardSpec> shard;
  std::string path_env;                // $PATH: programs are looked up here and steps get it
  bool ask_engine_version = true;      // false for --dry-run: nothing runs
};

struct ResolvedProgram {
  std::string name;              // the tool's name, or "engine"
  std::string configured;        // as written in the config or on the command line
  std::filesystem::path path;    // what is exec'd
  // How the lock file and its command lines name it: relative to the
  // config's folder when inside it, a bare name as given, else the path. The
  // same whether given as --engine, ROCKY_BIN or in the config, so the lock
  // does not change with how (or on which machine) the engine was named.
  std::string stable_name;
};

// The plan ready to run: resolved programs, parsed POCs, compiled rules.
struct ResolvedPlan {
  ProjectConfig config;
  std::filesystem::path output_dir;   // config.root / config.output
  ResolvedProgram engine;
  std::string engine_version;         // first line of `ENGINE --version` ("" when not asked)
  std::vector<ResolvedProgram> tools; // those the steps use
  std::vector<PocPlan> pocs;          // every POC of the plan, in order
  std::vector<std::size_t> selected;  // the ones this run captures (--poc, --shard)
  bool filtered = false;              // --poc or --shard: not every POC runs
  normalize::NormalizeRules rules;
  std::shared_ptr<const normalize::CompiledRules> compiled_rules;
  std::string rules_digest;
  std::optional<LockFile> lock;       // the previous run's, when there is one
  std::string path_env;
  NamedValues passed_env;             // the pass_env variables set in fixturegen's environment

  const ResolvedProgram* tool(std::string_view name) const;
  // Every capture file the whole plan produces (relative to output_dir), sorted.
  std::vector<std::string> planned_files() const;
};

// Reads and checks the plan; see the top of this file. Every problem found is
// in the one Error (kind Config).
Expected<ResolvedPlan> prepare_plan(const PlanRequest& request);

// The environment a step runs with: TZ=UTC, LC_ALL=C, HOME and TMPDIR in the
// sandbox, PATH kept, then `varied` (stability's other TZ, locale, clock),
// the config's [env], the pass_env variables that are set, and the step's
// env (later ones win: what the plan pins stays pinned). Sorted "KEY=VALUE".
std::vector<std::string> step_environment(const ResolvedPlan& plan, const Step& step, const std::filesystem::path& home,
                                          const std::filesystem::path& tmp, const NamedValues& varied = {});

}  // namespace fixturegen::regen
