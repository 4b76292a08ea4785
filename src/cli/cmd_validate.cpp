// `fixturegen validate`: checks every capture against the schema of its
// output type: compiled in memory from scenarios/ (the default), or read from
// a directory of ready-made schemas (--schemas DIR, e.g. the engine's).
// Where the schemas come from is scenario/schema_source.hpp; the reports are
// validate_report.cpp.
#include <fixturegen/cli/command.hpp>
#include <fixturegen/cli/validate_report.hpp>
#include <fixturegen/core/log.hpp>
#include <fixturegen/core/project_paths.hpp>
#include <fixturegen/core/thread_pool.hpp>
#include <fixturegen/io/file.hpp>
#include <fixturegen/json/document.hpp>
#include <fixturegen/scenario/coverage.hpp>
#include <fixturegen/scenario/engine_compare.hpp>
#include <fixturegen/scenario/engine_compare_report.hpp>
#include <fixturegen/scenario/schema_source.hpp>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

namespace fixturegen::cli {
namespace {

namespace fs = std::filesystem;

struct ValidateOptions {
  std::vector<std::string> paths;
  std::string scenarios = ProjectPaths::defaults().scenarios;
  bool scenarios_given = false;
  std::string schemas;
  bool strict = false;
  bool check_formats = false;
  ReportFormat format = ReportFormat::Text;
  bool coverage = false;
  bool no_cache = false;
};

void out(std::string_view text) { std::fwrite(text.data(), 1, text.size(), stdout); }

// The captures to check, as the paths they are read by. One root lists no
// file twice and needs no std::set<fs::path> (its inserts were 1.4% of a
// run's instructions).
Expected<std::vector<std::string>> collect_captures(const ValidateOptions& options) {
  const bool default_corpus = options.paths.empty();
  const std::vector<std::string> roots =
      default_corpus ? std::vector<std::string>{ProjectPaths::defaults().captures} : options.paths;
  std::vector<std::string> files;
  std::set<fs::path> seen;
  for (const std::string& root : roots) {
    Expected<std::optional<std::vector<std::string>>> listed = io::list_json_file_paths(root);
    if (!listed) return std::move(listed).error();
    if (!*listed) {
      if (default_corpus) break;  // reported below as an empty corpus
      return Error::usage(fmt::format("no such file or directory: {}", root),
                          "pass capture files or directories, or nothing for fixtures_generated/");
    }
    if (roots.size() == 1) {
      files = std::move(**listed);
      break;
    }
    for (std::string& file : **listed)
      if (seen.insert(fs::path(file)).second) files.push_back(std::move(file));
  }
  if (files.empty()) {
    if (default_corpus) {
      return Error::check(fmt::format("no captures under {}/: regen was never run", ProjectPaths::defaults().captures),
                          "run `fixturegen regen` (or `just regen`) to capture them first");
    }
    return Error::check(fmt::format("no captures (*.json) under {}", fmt::join(roots, ", ")),
                        "pass directories that contain capture files");
  }
  return files;
}

// A capture's path in the reports: std::filesystem::path's generic form,
// which differs from the path only by collapsing repeated slashes.
std::string report_path(const std::string& file) {
  return file.find("//") == std::string::npos ? file : fs::path(file).generic_string();
}

// More threads than this only contend for the schemas and the disk.
constexpr std::size_t kMaxValidateThreads = 8;
// Below this many captures one thread does it all. The whole job is then a
// few ms of CPU, mostly process start-up and compiling the schemas the
// captures need; a helper thread saves nothing on an idle machine and, on a
// busy one, every hand-over between threads waits for a free core
// (bench/validate_bench.sh, 40 captures at load 10: median 9.0 ms on one
// thread, 10.8 ms with a helper).
constexpr std::size_t kParallelFromCaptures = 128;

// --coverage: every checked capture is added, one thread at a time.
struct CoverageSink {
  // A constructor, not aggregate init from parentheses (C++20's P0960,
  // which clang 14 lacks: the fuzz build uses it).
  explicit CoverageSink(scenario::CoverageTracker from) : tracker(std::move(from)) {}
  scenario::CoverageTracker tracker;
  // With --schemas DIR: what those schemas declare that no capture shows.
  std::optional<scenario::EngineFieldCoverage> engine_fields;
  std::mutex mutex;
};

// Reads, parses and checks one capture into `result`. An Error is this
// file's alone (unreadable: Io; its schema does not compile: Config): the
// caller records it in the file's result and the others are still checked.
Expected<void> check_capture(const std::string& file, const ValidateOptions& options, scenario::SchemaSource& source,
                             CoverageSink* coverage, FileResult& result) {
  // One buffer per thread for every capture it reads: the document copies
  // what it keeps, and a reused buffer is not zero-filled again.
  thread_local std::string buffer;
  if (Expected<void> read = io::read_listed_file_into(file, buffer); !read) return std::move(read).error();
  const std::string& content = buffer;
  json::Document document;
  if (std::optional<json::ParseError> error = json::Document::parse(content, document)) {
    result.errors.push_back(schema::Violation{"", "", fmt::format("{}:{}", result.path, error->to_string())});
    return {};
  }
  Expected<scenario::CaptureCheck> check = source.schemas->check(document.root(), options.strict);
  if (!check) return std::move(check).error();
  result.type = check->type;
  if (check->type) result.schema_file = source.schema_file(*check->type);
  result.errors = std::move(check->errors);
  result.warnings = std::move(check->warnings);
  // Positions only for a capture that has something to report: the text is
  // still here, and the valid ones (nearly all) pay nothing.
  if (!result.errors.empty() || !result.warnings.empty()) locate_violations(content, result);
  if (coverage) {
    const std::lock_guard<std::mutex> lock(coverage->mutex);
    coverage->tracker.add(document.root(), check->type, check->command);
    if (coverage->engine_fields && check->type) {
      if (Expected<void> added = coverage->engine_fields->add(document.root(), *check->type); !added)
        return std::move(added).error();
    }
  }
  return {};
}

// The exit code of a run: the most severe outcome of any capture, i.e. the
// highest code (4 internal > 3 I/O > 2 configuration > 1 drift > 0).
ExitCode run_exit_code(const std::vector<FileResult>& results) {
  ExitCode code = ExitCode::Success;
  for (const FileResult& result : results) {
    ExitCode file_code = ExitCode::Success;
    if (result.error) file_code = result.error->code();
    else if (result.status() == FileResult::Status::Failed) file_code = ExitCode::CheckFailed;
    if (to_int(file_code) > to_int(code)) code = file_code;
  }
  return code;
}

// What to do next, once per distinct hint: drift first, then setup errors.
void print_hints(const std::vector<FileResult>& results, const ValidateSummary& summary, const ValidateOptions& options) {
  if (summary.failed > 0) {
    log::hint(options.schemas.empty()
                  ? "a capture no longer matches its scenario. If the engine changed on purpose, describe the new shape "
                    "in scenarios/<type>.json (docs/scenario-format.md) and run `fixturegen schemas` (or `just schemas`); "
                    "if not, fix the engine and re-capture with `fixturegen regen` (or `just regen`)"
                  : "a capture does not match the schemas in " + options.schemas +
                        ": the capture or those schemas are out of date");
  }
  std::set<std::string> hints;
  for (const FileResult& result : results) {
    if (result.error && !result.error->hint.empty() && hints.insert(result.error->hint).second)
      log::hint(result.error->hint);
  }
}

// The schemas live until the process exits: freeing every compiled program
// and unmapping every cache entry one by one at the end of the run was 2% of
// validating the 40 reference captures (121,000 instructions and 16 munmap
// calls); exit() hands the address space back at once. Held from a static,
// so LeakSanitizer counts them as reachable, not leaked.
scenario::SchemaSource& keep_until_exit(scenario::SchemaSource source) {
  static auto* const kept = new std::vector<std::unique_ptr<scenario::SchemaSource>>();
  kept->push_back(std::make_unique<scenario::SchemaSource>(std::move(source)));
  return *kept->back();
}

Expected<ExitCode> run_validate(const ValidateOptions& options) {
  Expected<std::vector<std::string>> files = collect_captures(options);
  if (!files) return std::move(files).error();
  ThreadPool pool(files->size() < kParallelFromCaptures ? 0 : ThreadPool::helpers_for(kMaxValidateThreads));

  scenario::SchemaSourceOptions source_options;
  source_options.scenarios_dir = options.scenarios;
  source_options.scenarios_given = options.scenarios_given;
  source_options.schemas_dir = options.schemas;
  source_options.validator.check_formats = options.check_formats;
  if (!options.no_cache) source_options.cache = schema::ProgramCache::from_environment();
  Expected<scenario::SchemaSource> opened = scenario::open_schema_source(source_options);
  if (!opened) return std::move(opened).error();
  scenario::SchemaSource* const source = &keep_until_exit(std::move(*opened));
  log::detail("{}", source->describe());

  std::optional<CoverageSink> coverage;
  if (options.coverage) coverage.emplace(scenario::CoverageTracker(source->scenarios.get()));
  if (coverage && source->from_directory()) coverage->engine_fields.emplace(source->schemas_dir);

  // Files are read, parsed and checked on every core (a schema is compiled
  // by the first worker that needs it), then reported in order, so the
  // output is the same as one file at a time. Whatever goes wrong with one
  // file (an Error, or an exception the pool turns into one) is that file's
  // result; run() returns only once every worker is done with this state.
  std::vector<FileResult> results(files->size());
  for (std::size_t i = 0; i < results.size(); ++i) results[i].path = report_path((*files)[i]);
  ThreadPool::Outcomes outcomes = pool.run(files->size(), [&](std::size_t i) {
    return check_capture((*files)[i], options, *source, coverage ? &*coverage : nullptr, results[i]);
  });

  ValidateSummary summary;
  for (std::size_t i = 0; i < results.size(); ++i) {
    if (outcomes[i]) {
      if (outcomes[i]->kind == ErrorKind::Interrupted) return std::move(*outcomes[i]);
      results[i].error = std::move(outcomes[i]);
    }
    summary.add(results[i]);
  }

  const std::optional<scenario::CoverageReport> coverage_report =
      coverage ? std::optional(coverage->tracker.report()) : std::nullopt;
  const std::optional<std::vector<scenario::TypeComparison>> engine_fields =
      coverage && coverage->engine_fields ? std::optional(coverage->engine_fields->report()) : std::nullopt;
  switch (options.format) {
    case ReportFormat::Json:
      out(json_report(results, summary, coverage_report ? &*coverage_report : nullptr,
                      engine_fields ? &*engine_fields : nullptr));
      break;
    case ReportFormat::Junit:
      out(junit_report(results, summary));
      if (coverage_report) std::fputs(text_coverage(*coverage_report, source->scenarios != nullptr).c_str(), stderr);
      if (engine_fields) std::fputs(scenario::engine_coverage_text(*engine_fields, options.schemas).c_str(), stderr);
      break;
    case ReportFormat::Text:
      for (const FileResult& result : results) out(text_file(result));
      if (coverage_report) out(text_coverage(*coverage_report, source->scenarios != nullptr));
      if (engine_fields) out(scenario::engine_coverage_text(*engine_fields, options.schemas));
      if (summary.warnings > 0)
        log::info("{} warning(s): keys the schemas do not allow; --strict makes them errors", summary.warnings);
      // The closing line, alone, in the form CI runners read.
      out(text_summary(summary));
      break;
  }
  std::fflush(stdout);
  print_hints(results, summary, options);

  const ExitCode code = run_exit_code(results);
  if (summary.errored == 0) return code;
  // Any file that could not be checked makes the run an error of its kind,
  // printed once by app.cpp; each file's own error is in the report.
  // The first file with the most severe error names the run's error.
  const FileResult* first = nullptr;
  for (const FileResult& result : results) {
    if (result.error && (!first || to_int(result.error->code()) > to_int(first->error->code()))) first = &result;
  }
  Error error = *first->error;
  error.message = fmt::format("{} of {} capture(s) could not be checked; {}: {}", summary.errored, results.size(),
                              escape_control(first->path, true), error.message);
  error.hint.clear();  // printed above with the others
  return error;
}

}  // namespace

CommandAction setup_validate(CLI::App& sub) {
  auto options = std::make_shared<ValidateOptions>();
  sub.add_option("paths", options->paths, "Capture files or directories (recursive *.json); default fixtures_generated/")
      ->type_name("PATH...");
  CLI::Option* scenarios = sub.add_option("--scenarios", options->scenarios,
                                          "Scenario directory: defines the types and their schemas")
                               ->capture_default_str()->type_name("DIR");
  sub.add_option("--schemas", options->schemas,
                 "Validate against ready-made <type>.schema.json files in DIR (scenarios, if any, only pick types)")
      ->type_name("DIR");
  sub.add_flag("--strict", options->strict, "Keys a closed schema does not allow are errors, not warnings");
  sub.add_flag("--check-formats", options->check_formats, "Check `format` (date-time, ...), not just annotate");
  sub.add_flag("--no-cache", options->no_cache,
               "With --schemas: compile every schema file afresh instead of reading the compiled copy kept "
               "from an earlier run ($FIXTUREGEN_CACHE_DIR, else ~/.cache/fixturegen)");
  const std::map<std::string, ReportFormat> formats{
      {"text", ReportFormat::Text}, {"json", ReportFormat::Json}, {"junit", ReportFormat::Junit}};
  sub.add_option("--format", options->format, "Report format: text, json or junit")
      ->transform(CLI::CheckedTransformer(formats))->default_str("text");
  sub.add_flag("--coverage", options->coverage,
               "Also report scenario paths and variants no capture shows, commands without scenarios, and "
               "(with --schemas) fields the schemas declare that no capture shows");
  return [options, scenarios] {
    options->scenarios_given = scenarios->count() > 0;
    return run_validate(*options);
  };
}

}  // namespace fixturegen::cli
