// The scenario-compiled schemas against the real engine's captures and
// schemas (../shared/rocky-reference, through FIXTUREGEN_ROCKY_REFERENCE):
// every capture passes, the engine's schemas agree, mutated captures are
// caught at least as often as by the engine's own schemas, and schemas/ is
// what scenarios/ compiles to.
#include <fixturegen/io/file.hpp>
#include <fixturegen/json/document.hpp>
#include <fixturegen/scenario/scenario_set.hpp>
#include <fixturegen/scenario/schema_compiler.hpp>
#include <fixturegen/scenario/type_schemas.hpp>

#include "support.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using fixturegen::json::Document;
using fixturegen::scenario::ScenarioSet;
using fixturegen::scenario::TypeSchemas;
using OrderedJson = nlohmann::ordered_json;

namespace {

ScenarioSet project_scenarios() {
  auto set = fixturegen::scenario::load_scenario_set(fixturegen::test::source_dir() / "scenarios");
  if (!set) FAIL(set.error().message);
  return std::move(*set);
}

std::vector<fs::path> captures(const fs::path& reference) {
  auto files = fixturegen::io::list_json_files(reference / "fixtures_generated");
  REQUIRE(files);
  return *files;
}

Document parse(const std::string& text) {
  Document document;
  auto error = Document::parse(text, document);
  if (error) FAIL(error->to_string());
  return document;
}

std::string describe(const fixturegen::scenario::CaptureCheck& check) {
  std::string text;
  for (const auto& v : check.errors) text += v.instance_pointer + ": " + v.message + " [" + v.schema_pointer + "]\n";
  return text;
}

// Every value's pointer below the root, in document order.
void collect_pointers(const OrderedJson& value, const OrderedJson::json_pointer& at,
                      std::vector<OrderedJson::json_pointer>& out) {
  if (value.is_object()) {
    for (auto& item : value.items()) {
      out.push_back(at / item.key());
      collect_pointers(item.value(), at / item.key(), out);
    }
  } else if (value.is_array()) {
    for (std::size_t i = 0; i < value.size(); ++i) {
      out.push_back(at / i);
      collect_pointers(value[i], at / i, out);
    }
  }
}

// A value of another JSON type than `value`.
OrderedJson other_type(const OrderedJson& value) {
  if (value.is_string()) return 12345;
  if (value.is_number()) return "12";
  if (value.is_boolean()) return "true";
  if (value.is_null()) return 0;
  if (value.is_object()) return "object";
  return "array";
}

// The deterministic list of mutants of one capture: at up to `limit`
// evenly spaced places, a type change, a null, array<->object, and for
// object members a removed and a renamed key.
std::vector<std::pair<std::string, std::string>> mutants(const std::string& text, std::size_t limit = 30) {
  const OrderedJson original = OrderedJson::parse(text);
  std::vector<OrderedJson::json_pointer> pointers;
  collect_pointers(original, OrderedJson::json_pointer(), pointers);
  std::vector<std::pair<std::string, std::string>> out;  // (description, text)
  const std::size_t picks = std::min(limit, pointers.size());
  for (std::size_t n = 0; n < picks; ++n) {
    const auto& pointer = pointers[n * pointers.size() / picks];
    const OrderedJson& value = original.at(pointer);
    const OrderedJson& parent = original.at(pointer.parent_pointer());
    auto add = [&](const std::string& what, OrderedJson mutated) {
      out.emplace_back(what + " at " + pointer.to_string(), mutated.dump());
    };
    {
      OrderedJson mutated = original;
      mutated.at(pointer) = other_type(value);
      add("type change", std::move(mutated));
    }
    if (!value.is_null()) {
      OrderedJson mutated = original;
      mutated.at(pointer) = nullptr;
      add("null", std::move(mutated));
    }
    if (value.is_array() || value.is_object()) {
      OrderedJson mutated = original;
      mutated.at(pointer) = value.is_array() ? OrderedJson::object() : OrderedJson::array();
      add("array<->object", std::move(mutated));
    }
    if (parent.is_object()) {
      const std::string key = pointer.back();
      OrderedJson removed = original;
      removed.at(pointer.parent_pointer()).erase(key);
      add("removed key", removed);
      OrderedJson renamed = removed;
      renamed.at(pointer.parent_pointer())[key + "_renamed"] = value;
      add("renamed key", std::move(renamed));
    }
  }
  return out;
}

TypeSchemas engine_schemas(const fs::path& reference, const ScenarioSet* scenarios) {
  auto matcher = scenarios ? scenarios->matcher() : fixturegen::scenario::OutputTypeMatcher();
  matcher.add_engine_convention();
  auto schemas = TypeSchemas::from_directory(reference / "schemas", std::move(matcher));
  if (!schemas) FAIL(schemas.error().message);
  return std::move(*schemas);
}

}  // namespace

TEST_CASE("scenario::reference captures validate against the scenario-compiled schemas") {
  auto reference = fixturegen::test::rocky_reference();
  if (!reference) return;
  ScenarioSet set = project_scenarios();
  auto schemas = TypeSchemas::from_scenarios(set);
  REQUIRE(schemas);
  auto files = captures(*reference);
  CHECK(files.size() == 40);
  for (const fs::path& file : files) {
    Document document = parse(fixturegen::test::read_text(file));
    for (bool strict : {false, true}) {
      auto result = schemas->check(document.root(), strict);
      REQUIRE(result);
      INFO(file.string() << (strict ? " (strict)" : "") << "\n" << describe(*result));
      CHECK(result->valid());
      CHECK(result->warnings.empty());
    }
  }
}

TEST_CASE("scenario::reference captures validate against the engine's schemas") {
  auto reference = fixturegen::test::rocky_reference();
  if (!reference) return;
  ScenarioSet set = project_scenarios();
  TypeSchemas with_scenarios = engine_schemas(*reference, &set);
  TypeSchemas convention_only = engine_schemas(*reference, nullptr);
  for (const fs::path& file : captures(*reference)) {
    Document document = parse(fixturegen::test::read_text(file));
    for (TypeSchemas* schemas : {&with_scenarios, &convention_only}) {
      auto result = schemas->check(document.root(), true);
      REQUIRE(result);
      INFO(file.string() << "\n" << describe(*result));
      CHECK(result->valid());
    }
    // Both matchers give the engine's own type name.
    CHECK(with_scenarios.matcher().match(document.root()) == convention_only.matcher().match(document.root()));
  }
}

TEST_CASE("scenario::mutated reference captures are caught at least as often as by the engine's schemas") {
  auto reference = fixturegen::test::rocky_reference();
  if (!reference) return;
  ScenarioSet set = project_scenarios();
  auto compiled = TypeSchemas::from_scenarios(set);
  REQUIRE(compiled);
  TypeSchemas engine = engine_schemas(*reference, &set);

  std::size_t total = 0, caught_compiled = 0, caught_engine = 0;
  std::vector<std::string> missed;  // caught by the engine only
  for (const fs::path& file : captures(*reference)) {
    for (const auto& [what, text] : mutants(fixturegen::test::read_text(file))) {
      Document document = parse(text);
      auto by_compiled = compiled->check(document.root(), true);
      auto by_engine = engine.check(document.root(), true);
      REQUIRE(by_compiled);
      REQUIRE(by_engine);
      ++total;
      if (!by_compiled->valid()) ++caught_compiled;
      if (!by_engine->valid()) ++caught_engine;
      if (by_compiled->valid() && !by_engine->valid())
        missed.push_back(fs::relative(file, *reference).string() + ": " + what);
    }
  }
  std::printf("mutation test: %zu mutants of %s; caught by scenario-compiled schemas: %zu, by the engine's "
              "schemas: %zu\n",
              total, "40 captures", caught_compiled, caught_engine);
  for (std::size_t i = 0; i < missed.size() && i < 20; ++i)
    std::printf("  caught by the engine only: %s\n", missed[i].c_str());
  CHECK(total > 1000);
  CHECK(caught_compiled >= caught_engine);
}

TEST_CASE("scenario::schemas/ is what scenarios/ compiles to") {
  ScenarioSet set = project_scenarios();
  std::set<std::string> expected;
  for (const auto& scenario : set.scenarios()) {
    const std::string name = fixturegen::scenario::schema_file_name(scenario.name);
    expected.insert(name);
    const std::string text = fixturegen::scenario::compile_schema_text(scenario);
    const fs::path committed = fixturegen::test::source_dir() / "schemas" / name;
    INFO(committed.string() << ": run `fixturegen schemas` (or `just schemas`) and commit");
    REQUIRE(fs::exists(committed));
    CHECK(fixturegen::test::read_text(committed) == text);
  }
  for (const auto& entry : fs::directory_iterator(fixturegen::test::source_dir() / "schemas")) {
    // `fixturegen schemas` keeps its manifest (.fixturegen-schemas.manifest) beside them.
    if (entry.path().filename().string().front() == '.') continue;
    INFO(entry.path().string() << " has no scenario");
    CHECK(expected.count(entry.path().filename().string()) == 1);
  }
}
