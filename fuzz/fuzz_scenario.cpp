// Scenario files: input = FILE_STEM NEWLINE JSON (the stem must equal the
// scenario's name). Any text is parsed or refused with a message. A scenario
// that parses compiles to a schema that compiles, and that schema accepts
// every variant the scenario was written from, unless an annotation says
// `required: true` ("required even if some example lacks it",
// docs/scenario-format.md: then a variant may fail on purpose).
#include "fuzz_check.hpp"

#include <fixturegen/json/document.hpp>
#include <fixturegen/json/python_writer.hpp>
#include <fixturegen/scenario/scenario.hpp>
#include <fixturegen/scenario/schema_compiler.hpp>
#include <fixturegen/schema/validator.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

using namespace fixturegen;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t newline = input.find('\n');
  if (newline == std::string_view::npos || newline == 0 || newline > 64) return 0;
  const std::string stem(input.substr(0, newline));
  if (stem.find('/') != std::string::npos || stem.find('\0') != std::string::npos || stem == "." || stem == "..") return 0;
  const auto scenario = scenario::parse_scenario(input.substr(newline + 1), "scenarios/" + stem + ".json");
  if (!scenario) return 0;

  const std::string schema_text = scenario::compile_schema_text(*scenario);
  auto schema = std::make_shared<json::Document>();
  FUZZ_CHECK(!json::Document::parse(schema_text, *schema), schema_text);
  const schema::SchemaStore store;
  auto validator = schema::Validator::compile(schema, scenario::schema_id(scenario->name), store);
  FUZZ_CHECK(validator.has_value(), (validator ? std::string() : validator.error().message) + "\n" + schema_text);
  for (const auto& annotation : scenario->annotations) {
    if (annotation.required) return 0;
  }
  for (const auto& variant : scenario->variants) {
    const auto verdict = validator->validate(variant.value);
    FUZZ_CHECK(verdict.has_value(), variant.name);
    FUZZ_CHECK(verdict->empty(), "variant " + variant.name + ": " + (verdict->empty() ? "" : (*verdict)[0].instance_pointer + ": " + (*verdict)[0].message) + "\n" + schema_text);
  }
  return 0;
}
