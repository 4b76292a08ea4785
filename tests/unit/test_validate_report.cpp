// cli::validate reports: hostile file names stay on one line in text and
// keep JUnit XML well-formed; files that could not be checked are errors.

#include <fixturegen/cli/validate_report.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace fixturegen;
using namespace fixturegen::cli;

namespace {

// True when every byte sequence is UTF-8 and every character is one XML 1.0
// allows (tab, LF, CR, U+0020.., minus U+FFFE/U+FFFF).
bool xml_safe_utf8(const std::string& text) {
  for (std::size_t i = 0; i < text.size();) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte < 0x80) {
      if (byte < 0x20 && byte != '\t' && byte != '\n' && byte != '\r') return false;
      ++i;
      continue;
    }
    std::size_t length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC2 ? 2 : 0;
    if (length == 0 || i + length > text.size()) return false;
    for (std::size_t k = 1; k < length; ++k)
      if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return false;
    i += length;
  }
  return true;
}

const std::string kHostileName = std::string("caps/evil\n\x1b[31mname\x01") + '\0' + "\xff\xfe\\.json";

}  // namespace

TEST_CASE("cli::escape_control escapes what a terminal acts on (issue 6.14)") {
  CHECK(escape_control(kHostileName, true) == "caps/evil\\n\\x1b[31mname\\x01\\x00\\xff\\xfe\\\\.json");
  CHECK(escape_control("a\\b", false) == "a\\b");
  CHECK(escape_control("tab\tcr\r del\x7f", false) == "tab\\tcr\\r del\\x7f");
  CHECK(escape_control("\xc2\x9b" "csi", false) == "\\u009bcsi");               // C1 control
  CHECK(escape_control("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", false) == "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
  CHECK(escape_control("\xc0\xaf \xed\xa0\x80", false) == "\\xc0\\xaf \\xed\\xa0\\x80");  // overlong, surrogate
  CHECK(escape_control("\xe2\x82", false) == "\\xe2\\x82");                          // truncated
}

TEST_CASE("cli::text_file keeps a hostile file name on one line (issue 6.14)") {
  FileResult result;
  result.path = kHostileName;
  result.errors.push_back(schema::Violation{"/a\nb", "/properties/x", "expected integer, found \x1b[2J"});
  const std::string text = text_file(result);
  CHECK(text.find('\x1b') == std::string::npos);
  CHECK(text.find('\0') == std::string::npos);
  CHECK(text.rfind("FAIL caps/evil\\n\\x1b[31mname", 0) == 0);
  CHECK(text == "FAIL caps/evil\\n\\x1b[31mname\\x01\\x00\\xff\\xfe\\\\.json  (no type)\n"
                "  /a\\nb: expected integer, found \\x1b[2J  [schema: #/properties/x]\n");
}

TEST_CASE("cli::junit_report is well-formed whatever the names hold (issue 6.14)") {
  std::vector<FileResult> results(2);
  results[0].path = kHostileName;
  results[0].type = "run";
  results[0].errors.push_back(schema::Violation{"/x", "/type", "expected <integer> & \"not\" 'this'\x02"});
  results[1].path = "ok\xc3.json";
  ValidateSummary summary;
  for (const FileResult& result : results) summary.add(result);
  const std::string xml = junit_report(results, summary);
  CHECK(xml_safe_utf8(xml));
  CHECK(xml.find("name=\"caps/evil\\n\\x1b[31mname\\x01\\x00\\xff\\xfe\\\\.json\"") != std::string::npos);
  CHECK(xml.find("message=\"expected &lt;integer&gt; &amp; &quot;not&quot; &apos;this&apos;\\x02\"") != std::string::npos);
  CHECK(xml.find("name=\"ok\\xc3.json\"") != std::string::npos);
  CHECK(xml.find("failures=\"1\" errors=\"0\"") != std::string::npos);
}

TEST_CASE("cli reports: a file that could not be checked is an error, not a failure (issue 6.15)") {
  std::vector<FileResult> results(3);
  results[0].path = "a.json";
  results[1].path = "b.json";
  results[1].error = Error::io("cannot read b.json: Permission denied");
  results[2].path = "c.json";
  results[2].type = "run";
  results[2].error = Error::config("schema s/run.schema.json: $ref cycle", "fix the schema");
  ValidateSummary summary;
  for (const FileResult& result : results) summary.add(result);
  CHECK(summary.passed == 1);
  CHECK(summary.failed == 0);
  CHECK(summary.errored == 2);
  CHECK(text_summary(summary) == "1 passed, 0 failed, 2 errors\n");
  CHECK(text_file(results[1]) == "ERROR b.json  (no type)\n  io error: cannot read b.json: Permission denied\n");

  const std::string xml = junit_report(results, summary);
  CHECK(xml.find("failures=\"0\" errors=\"2\"") != std::string::npos);
  CHECK(xml.find("<error message=\"cannot read b.json: Permission denied\" type=\"io\">") != std::string::npos);
  CHECK(xml.find("<error message=\"schema s/run.schema.json: $ref cycle\" type=\"config\">") != std::string::npos);
  CHECK(xml.find("<failure") == std::string::npos);

  const std::string json = json_report(results, summary, nullptr);
  CHECK(json.find("\"errored\": 2") != std::string::npos);
  CHECK(json.find("\"kind\": \"config\"") != std::string::npos);
  CHECK(json.find("\"status\": \"error\"") != std::string::npos);
}

TEST_CASE("cli::locate_violations places each violation at its value; whole-file problems stay unplaced") {
  FileResult result;
  result.path = "caps/run.json";
  result.schema_file = "schemas/run.schema.json";
  result.errors.push_back(schema::Violation{"/b/1", "/properties/b/items/type", "expected integer"});
  result.errors.push_back(schema::Violation{"", "", "no output type matches command \"x\""});
  result.errors.push_back(schema::Violation{"/gone", "/required", "missing"});
  result.warnings.push_back(schema::Violation{"/extra", "/additionalProperties", "not allowed"});
  locate_violations("{\"a\": \"\xc3\xa9\",\n \"b\": [1, \"two\"],\n \"extra\": 0}", result);
  REQUIRE(result.error_positions.size() == 3);
  REQUIRE(result.warning_positions.size() == 1);
  REQUIRE(result.error_positions[0]);
  CHECK(result.error_positions[0]->line == 2);
  CHECK(result.error_positions[0]->column == 11);
  CHECK_FALSE(result.error_positions[1]);  // no value to point at
  CHECK_FALSE(result.error_positions[2]);  // the pointer names nothing in the text
  REQUIRE(result.warning_positions[0]);
  CHECK(result.warning_positions[0]->line == 3);
  const std::string text = text_file(result);
  CHECK(text.find("  caps/run.json:2:11: /b/1: expected integer  [schema: schemas/run.schema.json#/properties/b/items/type]\n") !=
        std::string::npos);
  CHECK(text.find("  no output type matches command \"x\"\n") != std::string::npos);
  CHECK(text.find("  /gone: missing") != std::string::npos);
  CHECK(text.find("  caps/run.json:3:11: warning: /extra: not allowed") != std::string::npos);
}
