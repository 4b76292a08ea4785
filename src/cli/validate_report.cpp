// The reports of `fixturegen validate`: text for people, JSON for scripts,
// JUnit XML for CI dashboards.
#include <fixturegen/cli/validate_report.hpp>
#include <fixturegen/scenario/engine_compare_report.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdint>

namespace fixturegen::cli {
namespace {

using OrderedJson = nlohmann::ordered_json;

// "PATH:LINE:COLUMN: " when the value's position is known, so editors and
// CI annotations can jump to it; "" otherwise.
std::string location_prefix(const std::string& path, const std::optional<json::SourcePosition>& position) {
  if (!position) return {};
  return fmt::format("{}:{}:{}: ", escape_control(path, true), position->line, position->column);
}

const std::optional<json::SourcePosition>& position_of(const std::vector<std::optional<json::SourcePosition>>& positions,
                                                       std::size_t i) {
  static const std::optional<json::SourcePosition> kUnknown;
  return i < positions.size() ? positions[i] : kUnknown;
}

std::string text_violation(const schema::Violation& violation, std::string_view prefix, std::string_view schema_file,
                           std::string_view location) {
  // A violation with no location is a whole-file problem (no type, no parse).
  if (violation.instance_pointer.empty() && violation.schema_pointer.empty())
    return fmt::format("  {}{}\n", prefix, escape_control(violation.message, false));
  // `schema_file` names the schema the pointer is in ("schemas/run.schema.json"),
  // so a reader can open it at the failing keyword.
  return fmt::format("  {}{}{}: {}  [schema: {}#{}]\n", location, prefix,
                     violation.instance_pointer.empty() ? "(root)" : escape_control(violation.instance_pointer, false),
                     escape_control(violation.message, false), escape_control(schema_file, true),
                     escape_control(violation.schema_pointer, false));
}

// Every violation of `violations` as text_violation() lines, located.
std::string text_violations(const FileResult& result, const std::vector<schema::Violation>& violations,
                            const std::vector<std::optional<json::SourcePosition>>& positions, std::string_view prefix) {
  std::string text;
  for (std::size_t i = 0; i < violations.size(); ++i)
    text += text_violation(violations[i], prefix, result.schema_file, location_prefix(result.path, position_of(positions, i)));
  return text;
}

std::string text_error(const Error& error) {
  std::string text = fmt::format("  {} error: {}\n", to_string(error.kind), escape_control(error.message, false));
  if (!error.hint.empty()) text += fmt::format("  hint: {}\n", escape_control(error.hint, false));
  return text;
}

std::string_view status_word(FileResult::Status status) {
  switch (status) {
    case FileResult::Status::Passed: return "ok  ";
    case FileResult::Status::Failed: return "FAIL";
    case FileResult::Status::Error: return "ERROR";
  }
  return "ERROR";
}

std::string_view status_name(FileResult::Status status) {
  switch (status) {
    case FileResult::Status::Passed: return "passed";
    case FileResult::Status::Failed: return "failed";
    case FileResult::Status::Error: return "error";
  }
  return "error";
}

OrderedJson json_violations(const std::vector<schema::Violation>& violations,
                            const std::vector<std::optional<json::SourcePosition>>& positions) {
  OrderedJson list = OrderedJson::array();
  for (std::size_t i = 0; i < violations.size(); ++i) {
    const schema::Violation& violation = violations[i];
    const std::optional<json::SourcePosition>& position = position_of(positions, i);
    list.push_back(OrderedJson{{"pointer", violation.instance_pointer},
                               {"line", position ? OrderedJson(position->line) : OrderedJson(nullptr)},
                               {"column", position ? OrderedJson(position->column) : OrderedJson(nullptr)},
                               {"schema_pointer", violation.schema_pointer},
                               {"kind", schema::kind_name(violation.kind)},
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

}  // namespace

void locate_violations(std::string_view text, FileResult& result) {
  // One scan for every pointer of the capture, errors and warnings together.
  std::vector<std::string> pointers;
  pointers.reserve(result.errors.size() + result.warnings.size());
  for (const schema::Violation& violation : result.errors) pointers.push_back(violation.instance_pointer);
  for (const schema::Violation& violation : result.warnings) pointers.push_back(violation.instance_pointer);
  if (pointers.empty()) return;
  std::vector<std::optional<json::SourcePosition>> positions = json::find_value_positions(text, pointers);
  const auto split = positions.begin() + static_cast<std::ptrdiff_t>(result.errors.size());
  result.error_positions.assign(positions.begin(), split);
  result.warning_positions.assign(split, positions.end());
  // A whole-file problem (no type) has no value to point at.
  const auto unlocate_whole_file = [](const std::vector<schema::Violation>& violations,
                                      std::vector<std::optional<json::SourcePosition>>& located) {
    for (std::size_t i = 0; i < violations.size(); ++i) {
      if (violations[i].instance_pointer.empty() && violations[i].schema_pointer.empty()) located[i].reset();
    }
  };
  unlocate_whole_file(result.errors, result.error_positions);
  unlocate_whole_file(result.warnings, result.warning_positions);
}

void ValidateSummary::add(const FileResult& result) {
  switch (result.status()) {
    case FileResult::Status::Passed: ++passed; break;
    case FileResult::Status::Failed: ++failed; break;
    case FileResult::Status::Error: ++errored; break;
  }
  warnings += result.warnings.size();
}

std::string xml_escape(std::string_view text) {
  const std::string safe = fixturegen::escape_control(text, false, true);
  std::string escaped;
  escaped.reserve(safe.size());
  for (char c : safe) {
    switch (c) {
      case '&': escaped += "&amp;"; break;
      case '<': escaped += "&lt;"; break;
      case '>': escaped += "&gt;"; break;
      case '"': escaped += "&quot;"; break;
      case '\'': escaped += "&apos;"; break;
      default: escaped += c;
    }
  }
  return escaped;
}

std::string text_file(const FileResult& result) {
  std::string text = fmt::format("{} {}  ({})\n", status_word(result.status()), escape_control(result.path, true),
                                 result.type ? escape_control(*result.type, true) : "no type");
  if (result.error) text += text_error(*result.error);
  text += text_violations(result, result.errors, result.error_positions, "");
  text += text_violations(result, result.warnings, result.warning_positions, "warning: ");
  return text;
}

std::string text_summary(const ValidateSummary& summary) {
  std::string text = fmt::format("{} passed, {} failed", summary.passed, summary.failed);
  if (summary.errored > 0) text += fmt::format(", {} error{}", summary.errored, summary.errored == 1 ? "" : "s");
  return text + "\n";
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
  for (const std::string& command : report.commands_without_scenarios)
    text += fmt::format("  {}\n", escape_control(command, true));
  return text;
}

std::string json_report(const std::vector<FileResult>& results, const ValidateSummary& summary,
                        const scenario::CoverageReport* coverage,
                        const std::vector<scenario::TypeComparison>* engine_fields) {
  OrderedJson files = OrderedJson::array();
  for (const FileResult& result : results) {
    OrderedJson error = nullptr;
    if (result.error) {
      error = OrderedJson{{"kind", to_string(result.error->kind)},
                          {"message", result.error->message},
                          {"hint", result.error->hint}};
    }
    files.push_back(OrderedJson{{"path", result.path},
                                {"status", status_name(result.status())},
                                {"valid", result.status() == FileResult::Status::Passed},
                                {"type", result.type ? OrderedJson(*result.type) : OrderedJson(nullptr)},
                                {"errors", json_violations(result.errors, result.error_positions)},
                                {"warnings", json_violations(result.warnings, result.warning_positions)},
                                {"error", std::move(error)}});
  }
  OrderedJson report{{"files", std::move(files)},
                     {"passed", summary.passed},
                     {"failed", summary.failed},
                     {"errored", summary.errored}};
  if (coverage) report["coverage"] = json_coverage(*coverage);
  if (engine_fields) report["coverage"]["engine_fields"] = scenario::engine_coverage_json(*engine_fields);
  return report.dump(2, ' ', false, OrderedJson::error_handler_t::replace) + "\n";
}

std::string junit_report(const std::vector<FileResult>& results, const ValidateSummary& summary) {
  std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  xml += fmt::format(
      "<testsuite name=\"fixturegen validate\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"0\">\n",
      results.size(), summary.failed, summary.errored);
  for (const FileResult& result : results) {
    xml += fmt::format("  <testcase classname=\"fixturegen.validate.{}\" name=\"{}\">\n",
                       xml_escape(result.type ? *result.type : "unknown"), xml_escape(escape_control(result.path, true)));
    switch (result.status()) {
      case FileResult::Status::Passed: break;
      case FileResult::Status::Failed: {
        // The message attribute is the first violation, located as in the
        // body, so a dashboard's one-line summary points at the value.
        const std::string body = text_violations(result, result.errors, result.error_positions, "");
        const std::optional<json::SourcePosition>& first = position_of(result.error_positions, 0);
        const std::string message =
            first ? fmt::format("{}:{}:{}: {}: {}", escape_control(result.path, true), first->line, first->column,
                                result.errors.front().instance_pointer.empty() ? "(root)" : result.errors.front().instance_pointer,
                                result.errors.front().message)
                  : result.errors.front().message;
        xml += fmt::format("    <failure message=\"{}\" type=\"SchemaViolation\">{}</failure>\n", xml_escape(message),
                           xml_escape(body));
        break;
      }
      case FileResult::Status::Error:
        // <error>, not <failure>: the capture could not be checked, which
        // says nothing about drift (CI dashboards show them apart).
        xml += fmt::format("    <error message=\"{}\" type=\"{}\">{}</error>\n", xml_escape(result.error->message),
                           to_string(result.error->kind), xml_escape(text_error(*result.error)));
        break;
    }
    if (!result.warnings.empty()) {
      const std::string body = text_violations(result, result.warnings, result.warning_positions, "warning: ");
      xml += fmt::format("    <system-out>{}</system-out>\n", xml_escape(body));
    }
    xml += "  </testcase>\n";
  }
  xml += "</testsuite>\n";
  return xml;
}

}  // namespace fixturegen::cli
