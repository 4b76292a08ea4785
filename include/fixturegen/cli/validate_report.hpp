#pragma once

#include <fixturegen/core/error.hpp>
#include <fixturegen/core/terminal_text.hpp>  // escape_control, used with the reports
#include <fixturegen/json/source_position.hpp>
#include <fixturegen/scenario/coverage.hpp>
#include <fixturegen/scenario/engine_compare.hpp>
#include <fixturegen/schema/validator.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fixturegen::cli {

// `validate --format`.
enum class ReportFormat { Text, Json, Junit };

// What became of one capture: passed, failed (violations: drift), or could
// not be checked (an Error: unreadable, its schema does not compile, a bug).
struct FileResult {
  std::string path;
  std::optional<std::string> type;
  std::vector<schema::Violation> errors;
  std::vector<schema::Violation> warnings;
  std::string schema_file;    // the schema its pointers refer to, once typed
  std::optional<Error> error; // set: the file could not be checked
  // Where each violation's value stands in the file, parallel to `errors`
  // and `warnings` (locate_violations); empty or nullopt: not known.
  std::vector<std::optional<json::SourcePosition>> error_positions;
  std::vector<std::optional<json::SourcePosition>> warning_positions;

  enum class Status { Passed, Failed, Error };
  Status status() const { return error ? Status::Error : errors.empty() ? Status::Passed : Status::Failed; }
};

// Fills error_positions and warning_positions from the capture's text.
// Called only for a capture with violations: the tape keeps no positions,
// so this re-scans `text` once for all its pointers (json/source_position.hpp).
void locate_violations(std::string_view text, FileResult& result);

struct ValidateSummary {
  std::size_t passed = 0;
  std::size_t failed = 0;
  std::size_t errored = 0;
  std::size_t warnings = 0;

  void add(const FileResult& result);
};

// One capture in the text report: "ok   PATH  (TYPE)", "FAIL ..." or
// "ERROR ..." and its violations, indented, each as
// "PATH:LINE:COLUMN: POINTER: MESSAGE  [schema: FILE#POINTER]" (the
// position left out when unknown; columns count code points). Names and messages have their
// control characters escaped, so a hostile file name cannot move the cursor
// or fake a line.
std::string text_file(const FileResult& result);
// The closing line CI runners read: "3 passed, 1 failed" (", 2 errors" when any).
std::string text_summary(const ValidateSummary& summary);
std::string text_coverage(const scenario::CoverageReport& report, bool have_scenarios);

// The whole report as JSON (strings as they are, invalid UTF-8 as U+FFFD).
// `engine_fields` (--coverage --schemas DIR) goes in coverage.engine_fields.
std::string json_report(const std::vector<FileResult>& results, const ValidateSummary& summary,
                        const scenario::CoverageReport* coverage,
                        const std::vector<scenario::TypeComparison>* engine_fields = nullptr);
// The whole report as JUnit XML: well-formed whatever the file names hold.
// A failed capture is a <failure>, one that could not be checked an <error>.
std::string junit_report(const std::vector<FileResult>& results, const ValidateSummary& summary);

// XML 1.0 character data or attribute value: escape_control() first (so
// the result is valid UTF-8 without characters XML forbids), then &<>"'.
std::string xml_escape(std::string_view text);

}  // namespace fixturegen::cli
