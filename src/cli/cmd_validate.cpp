// `fixturegen validate`: checks every capture against the schema of its
// output type: compiled in memory from scenarios/ (the default), or read from
// a directory of ready-made schemas (--schemas DIR, e.g. the engine's).
#include <fixturegen/cli/command.hpp>
#include <fixturegen/core/interrupt.hpp>
#include <fixturegen/core/log.hpp>
#include <fixturegen/core/project_paths.hpp>
#include <fixturegen/io/file.hpp>
#include <fixturegen/json/document.hpp>
#include <fixturegen/scenario/coverage.hpp>
#include <fixturegen/scenario/engine_compare.hpp>
#include <fixturegen/scenario/engine_compare_report.hpp>
#include <fixturegen/scenario/scenario_set.hpp>
#include <fixturegen/scenario/schema_compiler.hpp>
#include <fixturegen/scenario/type_schemas.hpp>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

namespace fixturegen::cli {
namespace {

namespace fs = std::filesystem;
using OrderedJson = nlohmann::ordered_json;

struct ValidateOptions {
  std::vector<std::string> paths;
  std::string scenarios = ProjectPaths::defaults().scenarios;
  bool scenarios_given = false;
  std::string schemas;
  bool strict = false;
  bool check_formats = false;
  std::string format = "text";
  bool coverage = false;
};

struct FileResult {
  std::string path;
  std::optional<std::string> type;
  std::vector<schema::Violation> errors;
  std::vector<schema::Violation> warnings;
  std::string schema_file;  // the schema its pointers refer to, once typed
  bool valid() const { return errors.empty(); }
};

void out(std::string_view text) { std::fwrite(text.data(), 1, text.size(), stdout); }

// ---- text -----------------------------------------------------------------

// `schema_file` names the schema the pointer is in ("schemas/run.schema.json"),
// so a reader can open it at the failing keyword.
std::string text_violation(const schema::Violation& violation, std::string_view prefix, std::string_view schema_file) {
  // A violation with no location is a whole-file problem (no type, no parse).
  if (violation.instance_pointer.empty() && violation.schema_pointer.empty())
    return fmt::format("  {}{}\n", prefix, violation.message);
  return fmt::format("  {}{}: {}  [schema: {}#{}]\n", prefix,
                     violation.instance_pointer.empty() ? "(root)" : violation.instance_pointer, violation.message,
                     schema_file.empty() ? "" : schema_file, violation.schema_pointer);
}

std::string text_file(const FileResult& result) {
  std::string text = fmt::format("{} {}  ({})\n", result.valid() ? "ok  " : "FAIL", result.path,
                                 result.type ? *result.type : "no type");
  for (const schema::Violation& violation : result.errors) text += text_violation(violation, "", result.schema_file);
  for (const schema::Violation& violation : result.warnings)
    text += text_violation(violation, "warning: ", result.schema_file);
  return text;
}

std::string text_coverage(const scenario::CoverageReport& report, bool have_scenarios) {
  std::string text;
  if (!have_scenarios) text += "coverage: no scenarios loaded: only commands are reported\n";
  std::string paths;
  std::string variants;
  for (const auto& gaps : report.types) {
    if (gaps.captures == 0) {
      variants += fmt::format("  {}  (type never captured: all {} variant(s))\n", gaps.type, gaps.unseen_variants.size());
      continue;
    }
    for (const std::string& path : gaps.unobserved_paths) paths += fmt::format("  {}  {}\n", gaps.type, path);
    for (const auto& variant : gaps.unseen_variants)
      variants += fmt::format("  {}  {}  (no capture has {})\n", gaps.type, variant.name,
                              variant.first_missing_path);
  }
  if (have_scenarios) {
    text += fmt::format("coverage: scenario paths never observed in any capture:{}\n", paths.empty() ? " none" : "");
    text += paths;
    text += fmt::format("coverage: variants whose shape never occurs live:{}\n", variants.empty() ? " none" : "");
    text += variants;
  }
  text += fmt::format("coverage: commands captured without scenarios:{}\n",
                      report.commands_without_scenarios.empty() ? " none" : "");
  for (const std::string& command : report.commands_without_scenarios) text += fmt::format("  {}\n", command);
  return text;
}

// ---- json -----------------------------------------------------------------

OrderedJson json_violations(const std::vector<schema::Violation>& violations) {
  OrderedJson list = OrderedJson::array();
  for (const schema::Violation& violation : violations) {
    list.push_back(OrderedJson{{"pointer", violation.instance_pointer},
                               {"schema_pointer", violation.schema_pointer},
                               {"message", violation.message}});
  }
  return list;
}

OrderedJson json_coverage(const scenario::CoverageReport& report) {
  OrderedJson types = OrderedJson::array();
  for (const auto& gaps : report.types) {
    OrderedJson variants = OrderedJson::array();
    for (const auto& variant : gaps.unseen_variants)
      variants.push_back(OrderedJson{{"name", variant.name}, {"first_missing_path", variant.first_missing_path}});
    types.push_back(OrderedJson{{"type", gaps.type},
                                {"captures", gaps.captures},
                                {"unobserved_paths", gaps.unobserved_paths},
                                {"unseen_variants", std::move(variants)}});
  }
  return OrderedJson{{"types", std::move(types)}, {"commands_without_scenarios", report.commands_without_scenarios}};
}

// ---- junit ----------------------------------------------------------------

std::string xml_escape(std::string_view text) {
  std::string escaped;
  escaped.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': escaped += "&amp;"; break;
      case '<': escaped += "&lt;"; break;
      case '>': escaped += "&gt;"; break;
      case '"': escaped += "&quot;"; break;
      case '\'': escaped += "&apos;"; break;
      default:
        // Control characters other than tab/newline are not allowed in XML 1.0.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r')
          escaped += fmt::format("\\u{:04x}", static_cast<unsigned>(static_cast<unsigned char>(c)));
        else
          escaped += c;
    }
  }
  return escaped;
}

std::string junit_report(const std::vector<FileResult>& results, std::size_t failed) {
  std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  xml += fmt::format("<testsuite name=\"fixturegen validate\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"0\">\n",
                     results.size(), failed);
  for (const FileResult& result : results) {
    xml += fmt::format("  <testcase classname=\"fixturegen.validate.{}\" name=\"{}\">\n",
                       xml_escape(result.type ? *result.type : "unknown"), xml_escape(result.path));
    if (!result.valid()) {
      std::string body;
      for (const schema::Violation& violation : result.errors) body += text_violation(violation, "", result.schema_file);
      xml += fmt::format("    <failure message=\"{}\" type=\"SchemaViolation\">{}</failure>\n",
                         xml_escape(result.errors.front().message), xml_escape(body));
    }
    if (!result.warnings.empty()) {
      std::string body;
      for (const schema::Violation& violation : result.warnings)
        body += text_violation(violation, "warning: ", result.schema_file);
      xml += fmt::format("    <system-out>{}</system-out>\n", xml_escape(body));
    }
    xml += "  </testcase>\n";
  }
  xml += "</testsuite>\n";
  return xml;
}

// ---- the run --------------------------------------------------------------

Expected<std::vector<fs::path>> collect_captures(const ValidateOptions& options) {
  const bool default_corpus = options.paths.empty();
  const std::vector<std::string> roots =
      default_corpus ? std::vector<std::string>{ProjectPaths::defaults().captures} : options.paths;
  std::vector<fs::path> files;
  std::set<fs::path> seen;
  for (const std::string& root : roots) {
    std::error_code ec;
    if (!fs::exists(root, ec)) {
      if (default_corpus) break;  // reported below as an empty corpus
      return Error::usage(fmt::format("no such file or directory: {}", root),
                          "pass capture files or directories, or nothing for fixtures_generated/");
    }
    Expected<std::vector<fs::path>> listed = io::list_json_files(root);
    if (!listed) return std::move(listed).error();
    for (fs::path& file : *listed)
      if (seen.insert(file).second) files.push_back(std::move(file));
  }
  if (files.empty()) {
    if (default_corpus) {
      return Error::check(fmt::format("no captures under {}/: regen was never run", ProjectPaths::defaults().captures),
                          "run `just regen` to capture them first");
    }
    return Error::check(fmt::format("no captures (*.json) under {}", fmt::join(roots, ", ")),
                        "pass directories that contain capture files");
  }
  return files;
}

// More threads than this only contend for the schemas and the disk.
constexpr std::size_t kMaxValidateThreads = 8;

// Helper threads started before the files are even listed: a second core
// can take a while to wake (notably on a VM), so it wakes while this one
// lists files. run(job) has every thread, this one too, run `job`; helpers
// that were never given a job just end.
class EarlyHelpers {
public:
  explicit EarlyHelpers(std::size_t count) {
    m_threads.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
      m_threads.emplace_back([this] {
        m_go.wait(false, std::memory_order_acquire);
        if (m_job) m_job();
      });
    }
  }
  EarlyHelpers(const EarlyHelpers&) = delete;
  EarlyHelpers& operator=(const EarlyHelpers&) = delete;
  ~EarlyHelpers() { release(); }

  // Returns when every thread has finished `job`.
  void run(std::function<void()> job) {
    m_job = std::move(job);
    release();
    m_job();
    m_threads.clear();  // joins
  }

private:
  void release() {
    if (m_go.exchange(true, std::memory_order_release)) return;
    m_go.notify_all();
  }
  std::atomic<bool> m_go{false};
  std::function<void()> m_job;
  std::vector<std::jthread> m_threads;  // last: joined before the rest goes
};

Expected<ExitCode> run_validate(const ValidateOptions& options) {
  EarlyHelpers helpers(std::min<std::size_t>(std::max(1u, std::thread::hardware_concurrency()), kMaxValidateThreads) - 1);
  Expected<std::vector<fs::path>> files = collect_captures(options);
  if (!files) return std::move(files).error();

  schema::ValidatorOptions validator_options;
  validator_options.check_formats = options.check_formats;

  // Scenarios define types; with --schemas they only help matching, and the
  // engine's convention fills in for whatever they do not cover.
  std::optional<scenario::ScenarioSet> scenarios;
  std::error_code ec;
  if (options.schemas.empty() || options.scenarios_given || fs::is_directory(options.scenarios, ec)) {
    Expected<scenario::ScenarioSet> loaded = scenario::load_scenario_set(options.scenarios);
    if (!loaded) return std::move(loaded).error();
    scenarios = std::move(*loaded);
  }
  std::optional<scenario::TypeSchemas> schemas;
  if (options.schemas.empty()) {
    Expected<scenario::TypeSchemas> made = scenario::TypeSchemas::from_scenarios(*scenarios, validator_options);
    if (!made) return std::move(made).error();
    schemas = std::move(*made);
  } else {
    scenario::OutputTypeMatcher matcher = scenarios ? scenarios->matcher() : scenario::OutputTypeMatcher();
    matcher.add_engine_convention();
    Expected<scenario::TypeSchemas> made =
        scenario::TypeSchemas::from_directory(options.schemas, std::move(matcher), validator_options);
    if (!made) return std::move(made).error();
    schemas = std::move(*made);
    log::detail("validating against {} ({})", options.schemas,
                scenarios ? "types matched by the scenarios, then the engine's convention"
                          : "types matched by the engine's convention");
  }

  scenario::CoverageTracker coverage(scenarios ? &*scenarios : nullptr);
  // With --schemas, also what the engine declares that no capture shows.
  std::optional<scenario::EngineFieldCoverage> engine_coverage;
  if (options.coverage && !options.schemas.empty()) engine_coverage.emplace(options.schemas);
  std::mutex coverage_mutex;
  const bool text = options.format == "text";

  // Files are read, parsed and checked on every core (each worker takes the
  // next file; a schema is compiled by the first worker that needs it), then
  // reported in order, so the output is the same as one file at a time: up
  // to the first file that hit an error or an interrupt, which is returned.
  struct Slot {
    FileResult result;
    std::optional<Error> error;
    bool done = false;
  };
  std::vector<Slot> slots(files->size());
  std::atomic<std::size_t> next{0};
  const auto check_file = [&](Slot& slot, const fs::path& file) {
    FileResult& result = slot.result;
    result.path = file.generic_string();
    Expected<std::string> content = io::read_file(file);
    if (!content) {
      slot.error = std::move(content).error();
      return false;
    }
    json::Document document;
    if (std::optional<json::ParseError> error = json::Document::parse(*content, document)) {
      result.errors.push_back(schema::Violation{"", "", fmt::format("{}:{}", result.path, error->to_string())});
      return true;
    }
    Expected<scenario::CaptureCheck> check = schemas->check(document.root(), options.strict);
    if (!check) {
      slot.error = std::move(check).error();
      return false;
    }
    result.type = check->type;
    // The file the schema pointers refer to: the engine's with --schemas;
    // from the project's scenarios, the one `fixturegen schemas` writes.
    // Scenarios from elsewhere have no schema file: pointers stand alone.
    if (check->type && (!options.schemas.empty() || !options.scenarios_given)) {
      const fs::path dir = options.schemas.empty() ? fs::path(ProjectPaths::defaults().schemas) : fs::path(options.schemas);
      result.schema_file = (dir / scenario::schema_file_name(*check->type)).generic_string();
    }
    result.errors = std::move(check->errors);
    result.warnings = std::move(check->warnings);
    if (options.coverage) {
      const std::lock_guard<std::mutex> lock(coverage_mutex);
      coverage.add(document.root(), check->type, check->command);
      if (engine_coverage && check->type) {
        if (Expected<void> added = engine_coverage->add(document.root(), *check->type); !added) {
          slot.error = std::move(added).error();
          return false;
        }
      }
    }
    return true;
  };
  std::atomic<bool> stop{false};
  const auto work = [&] {
    while (!stop.load(std::memory_order_relaxed)) {
      const std::size_t i = next.fetch_add(1, std::memory_order_relaxed);
      if (i >= slots.size() || interrupted()) return;
      // Later files are not needed once one has failed to load.
      if (!check_file(slots[i], (*files)[i])) stop.store(true, std::memory_order_relaxed);
      slots[i].done = true;
    }
  };
  helpers.run(work);

  std::vector<FileResult> results;
  results.reserve(files->size());
  std::size_t passed = 0;
  std::size_t failed = 0;
  std::size_t warnings = 0;
  for (Slot& slot : slots) {
    if (!slot.done) return Error::interrupted();
    if (slot.error) return std::move(*slot.error);
    FileResult& result = slot.result;
    (result.valid() ? passed : failed) += 1;
    warnings += result.warnings.size();
    if (text) {
      out(text_file(result));
    } else {
      results.push_back(std::move(result));
    }
  }

  if (options.format == "json") {
    OrderedJson files_json = OrderedJson::array();
    for (const FileResult& result : results) {
      files_json.push_back(OrderedJson{{"path", result.path},
                                       {"valid", result.valid()},
                                       {"type", result.type ? OrderedJson(*result.type) : OrderedJson(nullptr)},
                                       {"errors", json_violations(result.errors)},
                                       {"warnings", json_violations(result.warnings)}});
    }
    OrderedJson report{{"files", std::move(files_json)}, {"passed", passed}, {"failed", failed}};
    if (options.coverage) report["coverage"] = json_coverage(coverage.report());
    if (engine_coverage) report["coverage"]["engine_fields"] = scenario::engine_coverage_json(engine_coverage->report());
    out(report.dump(2, ' ', false, OrderedJson::error_handler_t::replace));
    out("\n");
  } else if (options.format == "junit") {
    out(junit_report(results, failed));
    if (options.coverage) std::fputs(text_coverage(coverage.report(), scenarios.has_value()).c_str(), stderr);
    if (engine_coverage)
      std::fputs(scenario::engine_coverage_text(engine_coverage->report(), options.schemas).c_str(), stderr);
  } else {
    if (options.coverage) out(text_coverage(coverage.report(), scenarios.has_value()));
    if (engine_coverage) out(scenario::engine_coverage_text(engine_coverage->report(), options.schemas));
    if (warnings > 0)
      log::info("{} warning(s): keys the schemas do not allow; --strict makes them errors", warnings);
    // The closing line, alone, in the form CI runners read.
    out(fmt::format("{} passed, {} failed\n", passed, failed));
  }
  std::fflush(stdout);
  if (failed > 0) {
    log::hint(options.schemas.empty()
                  ? "a capture no longer matches its scenario. If the engine changed on purpose, describe the new shape "
                    "in scenarios/<type>.json (docs/scenario-format.md) and run `just schemas`; if not, fix the engine "
                    "and re-capture with `just regen`"
                  : "a capture does not match the schemas in " + options.schemas +
                        ": the capture or those schemas are out of date");
  }
  return failed > 0 ? ExitCode::CheckFailed : ExitCode::Success;
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
  sub.add_option("--format", options->format, "Report format")
      ->check(CLI::IsMember({"text", "json", "junit"}))->capture_default_str();
  sub.add_flag("--coverage", options->coverage,
               "Also report scenario paths and variants no capture shows, commands without scenarios, and "
               "(with --schemas) fields the schemas declare that no capture shows");
  return [options, scenarios] {
    options->scenarios_given = scenarios->count() > 0;
    return run_validate(*options);
  };
}

}  // namespace fixturegen::cli
