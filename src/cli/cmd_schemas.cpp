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
#include <optional>
#include <set>
#include <string>
#include <string_view>
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

// The manifest: the schema files `schemas` wrote into a directory, one name a
// line. Only files it lists are ever removed, so pointing --out at a
// directory of someone else's schemas (the engine's) cannot delete them.
constexpr std::string_view kManifestName = ".fixturegen-schemas.manifest";
constexpr std::string_view kManifestHeader =
    "# Written by `fixturegen schemas`: the schema files it owns in this directory.\n"
    "# It removes only these when their scenario goes away. Commit this file; do not edit it.\n";

std::string manifest_text(const std::map<std::string, std::string>& compiled) {
  std::string text(kManifestHeader);
  for (const auto& entry : compiled) text += entry.first + "\n";
  return text;
}

// The names the manifest in `dir` lists, or nullopt when there is none.
Expected<std::optional<std::set<std::string>>> read_manifest(const fs::path& dir) {
  const fs::path file = dir / kManifestName;
  std::error_code ec;
  if (!fs::exists(file, ec)) return std::optional<std::set<std::string>>();
  Expected<std::string> text = io::read_file(file);
  if (!text) return std::move(text).error();
  std::set<std::string> names;
  std::size_t line_number = 0;
  std::string_view rest(*text);
  while (!rest.empty()) {
    const std::size_t end = std::min(rest.find('\n'), rest.size());
    const std::string_view line = rest.substr(0, end);
    rest.remove_prefix(std::min(end + 1, rest.size()));
    ++line_number;
    if (line.empty() || line.front() == '#') continue;
    // A bare schema file name: never a path, so a hand-edited manifest cannot
    // make `schemas` remove anything outside `dir`.
    if (line.find('/') != std::string_view::npos || !is_schema_file(fs::path(line))) {
      return Error::config(fmt::format("{}:{}: \"{}\" is not a schema file name", file.generic_string(), line_number, line),
                           fmt::format("delete {} and run `fixturegen schemas` again", file.generic_string()));
    }
    names.emplace(line);
  }
  return std::optional<std::set<std::string>>(std::move(names));
}

bool is_default_out_dir(const fs::path& dir) {
  std::error_code ec;
  const fs::path ours = fs::weakly_canonical(dir, ec);
  if (ec) return false;
  return ours == fs::weakly_canonical(ProjectPaths::defaults().schemas, ec) && !ec;
}

Expected<ExitCode> check_schemas(const SchemasOptions& options, const std::map<std::string, std::string>& compiled,
                                 const std::vector<fs::path>& existing,
                                 const std::optional<std::set<std::string>>& manifest) {
  const fs::path out_dir(options.out);
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
  // Extra: a file `schemas` owns (or, without a manifest, any schema file)
  // that no scenario compiles to any more.
  for (const fs::path& file : existing) {
    const std::string name = file.filename().string();
    if (!compiled.count(name) && (!manifest || manifest->count(name)))
      problems.push_back(fmt::format("extra:   {} has no scenario in {}/", file.generic_string(), options.scenarios));
  }
  const fs::path manifest_file = out_dir / kManifestName;
  if (!manifest) {
    problems.push_back(fmt::format("missing: {} (the list of files `schemas` owns)", manifest_file.generic_string()));
  } else if (Expected<std::string> text = io::read_file(manifest_file); !text || *text != manifest_text(compiled)) {
    problems.push_back(fmt::format("stale:   {} does not list exactly the compiled schemas", manifest_file.generic_string()));
  }
  if (!problems.empty()) {
    return Error::check(fmt::format("{} schema file(s) out of date with {}/:\n  {}", problems.size(),
                                    options.scenarios, fmt::join(problems, "\n  ")),
                        "run `fixturegen schemas` (or `just schemas`) and commit");
  }
  log::info("{} schemas in {}/ are up to date", compiled.size(), out_dir.generic_string());
  return ExitCode::Success;
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
  Expected<std::optional<std::set<std::string>>> manifest = read_manifest(out_dir);
  if (!manifest) return std::move(manifest).error();

  if (options.check) return check_schemas(options, compiled, *existing, *manifest);

  // Without a manifest, schema files in --out are someone else's: refuse
  // rather than overwrite or delete them. The project's own schemas/ is
  // adopted (files it would not write are kept and named).
  std::vector<std::string> unowned;
  for (const fs::path& file : *existing) {
    const std::string name = file.filename().string();
    if (!compiled.count(name) && (!*manifest || !(*manifest)->count(name))) unowned.push_back(file.generic_string());
  }
  if (!*manifest && !existing->empty() && !is_default_out_dir(out_dir)) {
    return Error::usage(
        fmt::format("{} holds {} schema file(s) that `fixturegen schemas` did not write (no {} there)",
                    out_dir.generic_string(), existing->size(), kManifestName),
        "pass an empty or new directory to --out, or remove those files first; fixturegen never deletes files it did not write");
  }

  // One batch: the schemas, the removals of the ones this directory's
  // manifest lists but no scenario compiles to any more, and the new
  // manifest become visible together, so an interrupt leaves no mix.
  io::StagedWrites batch;
  for (const auto& [name, bytes] : compiled) {
    if (interrupted()) return Error::interrupted();
    Expected<bool> staged = batch.stage(out_dir / name, bytes);
    if (!staged) return std::move(staged).error();
  }
  if (*manifest) {
    for (const std::string& name : **manifest) {
      if (compiled.count(name)) continue;
      Expected<bool> staged = batch.stage_removal(out_dir / name);
      if (!staged) return std::move(staged).error();
    }
  }
  Expected<bool> staged_manifest = batch.stage(out_dir / kManifestName, manifest_text(compiled));
  if (!staged_manifest) return std::move(staged_manifest).error();
  if (interrupted()) return Error::interrupted();

  const io::CommitReport report = batch.commit();
  std::size_t changed = 0;
  for (const io::FileOutcome& outcome : report.files) {
    if (outcome.error) log::error(*outcome.error);
    if (outcome.action == io::FileAction::Removed)
      log::info("removed {} (no scenario defines that type any more)", outcome.path.generic_string());
    if (outcome.action == io::FileAction::Written && outcome.path.filename() != kManifestName) {
      ++changed;
      log::detail("wrote {}", outcome.path.generic_string());
    }
  }
  for (const std::string& file : unowned)
    log::warning("kept {}: no scenario compiles to it and `schemas` did not write it; delete it if it is stale", file);
  log::info("{} schemas in {}/: {} changed, {} removed{}", compiled.size(), out_dir.generic_string(), changed,
            report.removed(), report.ok() ? "" : fmt::format(", {} failed", report.failed()));
  return report.ok() ? ExitCode::Success : ExitCode::EngineOrIoError;
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
