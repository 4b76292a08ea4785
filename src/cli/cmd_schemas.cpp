// `fixturegen schemas`: compiles scenarios/ into one JSON Schema per output
// type in schemas/ (committed), or with --check verifies that the committed
// files are exactly what a compile would write.
#include <fixturegen/cli/command.hpp>
#include <fixturegen/core/interrupt.hpp>
#include <fixturegen/core/log.hpp>
#include <fixturegen/core/project_paths.hpp>
#include <fixturegen/io/file.hpp>
#include <fixturegen/scenario/engine_compare.hpp>
#include <fixturegen/scenario/engine_compare_report.hpp>
#include <fixturegen/scenario/scenario_set.hpp>
#include <fixturegen/scenario/schema_compiler.hpp>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

namespace fixturegen::cli {
namespace {

namespace fs = std::filesystem;

struct SchemasOptions {
  std::string scenarios = ProjectPaths::defaults().scenarios;
  std::string out = ProjectPaths::defaults().schemas;
  bool check = false;
  std::string compare;  // engine schema directory (docs/compare.md)
  std::string format = "text";
  std::vector<std::string> fail_on;
};

bool is_schema_file(const fs::path& path) {
  const std::string name = path.filename().string();
  return name.size() > kSchemaFileSuffix.size() &&
         name.compare(name.size() - kSchemaFileSuffix.size(), kSchemaFileSuffix.size(), kSchemaFileSuffix) == 0;
}

// The `*.schema.json` files already in `dir` (none when it does not exist).
Expected<std::vector<fs::path>> existing_schema_files(const fs::path& dir) {
  std::vector<fs::path> files;
  std::error_code ec;
  if (!fs::exists(dir, ec)) return files;
  if (!fs::is_directory(dir, ec))
    return Error::usage(fmt::format("{} is not a directory", dir.generic_string()), "pass --out DIR");
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
    if (is_schema_file(it->path())) files.push_back(it->path());
  if (ec) return Error::io(fmt::format("cannot list {}: {}", dir.generic_string(), ec.message()));
  std::sort(files.begin(), files.end());
  return files;
}

// `--compare DIR`: writes nothing, prints the report (docs/compare.md).
Expected<ExitCode> compare_with_engine(const scenario::ScenarioSet& set, const SchemasOptions& options) {
  Expected<scenario::SchemaComparison> comparison = scenario::compare_with_engine_schemas(set, options.compare);
  if (!comparison) return std::move(comparison).error();
  const std::string report = scenario::comparison_report(*comparison, options.format == "json");
  std::fwrite(report.data(), 1, report.size(), stdout);
  std::fflush(stdout);
  const std::vector<std::string> failing = scenario::failing_categories(*comparison, options.fail_on);
  if (failing.empty()) return ExitCode::Success;
  return Error::check(fmt::format("scenarios disagree with the engine schemas in {}: {} (--fail-on)", options.compare,
                                  fmt::join(failing, ", ")),
                      "describe the missing fields in a variant of scenarios/<type>.json, fix or drop the extra ones, "
                      "then run `fixturegen schemas` (docs/compare.md)");
}

Expected<ExitCode> run_schemas(const SchemasOptions& options) {
  Expected<scenario::ScenarioSet> set = scenario::load_scenario_set(options.scenarios);
  if (!set) return std::move(set).error();
  if (!options.compare.empty()) return compare_with_engine(*set, options);

  // Compile everything first: nothing is written unless every file compiles.
  std::map<std::string, std::string> compiled;  // file name -> bytes
  for (const scenario::Scenario& item : set->scenarios()) {
    Expected<std::string> text = scenario::compile_schema_text(item);
    if (!text) return std::move(text).error();
    compiled.emplace(scenario::schema_file_name(item.name), std::move(*text));
  }
  const fs::path out_dir(options.out);
  Expected<std::vector<fs::path>> existing = existing_schema_files(out_dir);
  if (!existing) return std::move(existing).error();

  if (options.check) {
    std::vector<std::string> problems;
    for (const auto& [name, bytes] : compiled) {
      const fs::path file = out_dir / name;
      std::error_code ec;
      if (!fs::exists(file, ec)) {
        problems.push_back(fmt::format("missing: {} (compiled from {}/)", file.generic_string(), options.scenarios));
        continue;
      }
      Expected<std::string> current = io::read_file(file);
      if (!current) return std::move(current).error();
      if (*current != bytes)
        problems.push_back(fmt::format("stale:   {} differs from what its scenario compiles to", file.generic_string()));
    }
    for (const fs::path& file : *existing) {
      if (!compiled.count(file.filename().string()))
        problems.push_back(fmt::format("extra:   {} has no scenario in {}/", file.generic_string(), options.scenarios));
    }
    if (!problems.empty()) {
      return Error::check(fmt::format("{} schema file(s) out of date with {}/:\n  {}", problems.size(),
                                      options.scenarios, fmt::join(problems, "\n  ")),
                          "run `fixturegen schemas` (or `just schemas`) and commit");
    }
    log::info("{} schemas in {}/ are up to date", compiled.size(), out_dir.generic_string());
    return ExitCode::Success;
  }

  std::error_code ec;
  fs::create_directories(out_dir, ec);
  if (ec) return Error::io(fmt::format("cannot create {}: {}", out_dir.generic_string(), ec.message()));
  std::size_t changed = 0;
  for (const auto& [name, bytes] : compiled) {
    if (interrupted()) return Error::interrupted();
    Expected<bool> written = io::write_file_atomic(out_dir / name, bytes);
    if (!written) return std::move(written).error();
    if (*written) {
      ++changed;
      log::detail("wrote {}", (out_dir / name).generic_string());
    }
  }
  std::size_t removed = 0;
  for (const fs::path& file : *existing) {
    if (compiled.count(file.filename().string())) continue;
    if (!fs::remove(file, ec) && ec)
      return Error::io(fmt::format("cannot remove stale {}: {}", file.generic_string(), ec.message()));
    ++removed;
    log::info("removed {} (no scenario defines that type any more)", file.generic_string());
  }
  log::info("{} schemas in {}/: {} changed, {} removed", compiled.size(), out_dir.generic_string(), changed, removed);
  return ExitCode::Success;
}

}  // namespace

CommandAction setup_schemas(CLI::App& sub) {
  auto options = std::make_shared<SchemasOptions>();
  sub.add_option("--scenarios", options->scenarios, "Directory of scenario files")
      ->capture_default_str()->type_name("DIR");
  sub.add_option("--out", options->out, "Where to write <type>.schema.json files")
      ->capture_default_str()->type_name("DIR");
  CLI::Option* check = sub.add_flag("--check", options->check,
                                    "Write nothing; exit 1 when any schema file is missing, stale or extra");
  CLI::Option* compare = sub.add_option("--compare", options->compare,
                                        "Write nothing; compare the scenarios with the engine's schemas in DIR")
                             ->type_name("DIR")->excludes(check);
  sub.add_option("--format", options->format, "Report format of --compare")
      ->check(CLI::IsMember({"text", "json"}))->capture_default_str()->needs(compare);
  sub.add_option("--fail-on", options->fail_on, "With --compare, exit 1 when any of these is not empty")
      ->delimiter(',')->check(CLI::IsMember(scenario::compare_category_names()))->type_name("LIST")->needs(compare);
  return [options] { return run_schemas(*options); };
}

}  // namespace fixturegen::cli
