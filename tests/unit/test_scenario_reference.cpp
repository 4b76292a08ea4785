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
#include <map>
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

// One mutated capture: what was done where, and the mutated text.
struct Mutant {
  std::string kind;
  std::string pointer;
  std::string text;
};

// Every mutant of one capture, deterministically: at every value below the
// root, a change of JSON type, a null, array<->object for containers, the
// key removed (for object members), a string replaced by a value no run
// prints, an integer given a fraction or made negative; for every object
// (the root too), a key no schema declares added. Each is what a schema
// can catch (`required`, `type`, `additionalProperties`, `enum`/`const`,
// `minimum`), so the two sets of schemas are compared keyword by keyword.
std::vector<Mutant> mutants(const std::string& text) {
  const OrderedJson original = OrderedJson::parse(text);
  std::vector<OrderedJson::json_pointer> pointers{OrderedJson::json_pointer()};
  collect_pointers(original, OrderedJson::json_pointer(), pointers);
  std::vector<Mutant> out;
  for (const auto& pointer : pointers) {
    const OrderedJson& value = original.at(pointer);
    auto add = [&](const char* kind, OrderedJson replacement) {
      OrderedJson mutated = original;
      mutated.at(pointer) = std::move(replacement);
      out.push_back({kind, pointer.to_string(), mutated.dump()});
    };
    if (value.is_object()) {
      OrderedJson extended = value;
      extended["fixturegen_mutant_key"] = 1;
      add("added key", std::move(extended));
    }
    if (pointer.empty()) continue;  // the root keeps its type: no type would match
    const OrderedJson& parent = original.at(pointer.parent_pointer());
    add("type change", other_type(value));
    if (!value.is_null()) add("null", nullptr);
    if (value.is_array()) add("array<->object", OrderedJson::object());
    if (value.is_object()) add("array<->object", OrderedJson::array());
    if (value.is_string()) add("string value", "fixturegen-mutant");
    if (value.is_number_integer()) add("fraction", value.get<double>() + 0.5);
    if (value.is_number_integer() && value.get<double>() >= 0) add("negative", -1 - value.get<double>());
    if (parent.is_object()) {
      OrderedJson removed = original;
      removed.at(pointer.parent_pointer()).erase(pointer.back());
      out.push_back({"removed key", pointer.to_string(), removed.dump()});
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

// The figures per kind of mutation: how many, and which schemas kill them.
struct MutationTally {
  std::size_t total = 0, by_engine = 0, by_compiled = 0, engine_only = 0, compiled_only = 0;
};

// Hidden from the plain unit run ([.]): CTest runs it as its own test,
// reference-mutation-test, so its figures are one report of their own.
TEST_CASE("scenario::mutation test: the scenario-compiled schemas kill every mutant the engine's schemas kill",
          "[.][mutation]") {
  auto reference = fixturegen::test::rocky_reference();
  if (!reference) return;
  ScenarioSet set = project_scenarios();
  auto compiled = TypeSchemas::from_scenarios(set);
  REQUIRE(compiled);
  TypeSchemas engine = engine_schemas(*reference, &set);

  std::map<std::string, MutationTally> tallies;  // by kind
  MutationTally all;
  std::vector<std::string> missed;  // killed by the engine's schemas only
  std::size_t file_count = 0;
  // A schema that kills mutants by refusing real output is no gain: the
  // captures themselves (the reference's and the project's own corpus)
  // must pass, strictly.
  std::vector<std::string> false_positives;
  auto project_corpus = fixturegen::io::list_json_files(fixturegen::test::source_dir() / "fixtures_generated");
  REQUIRE(project_corpus);
  std::size_t corpus_count = 0;
  for (const fs::path& file : *project_corpus) {
    ++corpus_count;
    Document document = parse(fixturegen::test::read_text(file));
    auto result = compiled->check(document.root(), /*strict=*/true);
    REQUIRE(result);
    if (!result->valid()) false_positives.push_back(file.generic_string() + "\n" + describe(*result));
  }
  for (const fs::path& file : captures(*reference)) {
    ++file_count;
    {
      Document document = parse(fixturegen::test::read_text(file));
      auto result = compiled->check(document.root(), /*strict=*/true);
      REQUIRE(result);
      if (!result->valid()) false_positives.push_back(file.generic_string() + "\n" + describe(*result));
    }
    for (const Mutant& mutant : mutants(fixturegen::test::read_text(file))) {
      Document document = parse(mutant.text);
      auto by_compiled = compiled->check(document.root(), /*strict=*/true);
      auto by_engine = engine.check(document.root(), /*strict=*/true);
      REQUIRE(by_compiled);
      REQUIRE(by_engine);
      const bool engine_kills = !by_engine->valid();
      const bool compiled_kills = !by_compiled->valid();
      for (MutationTally* tally : {&tallies[mutant.kind], &all}) {
        ++tally->total;
        tally->by_engine += engine_kills;
        tally->by_compiled += compiled_kills;
        tally->engine_only += engine_kills && !compiled_kills;
        tally->compiled_only += compiled_kills && !engine_kills;
      }
      if (engine_kills && !compiled_kills)
        missed.push_back(fs::relative(file, *reference).generic_string() + ": " + mutant.kind + " at " + mutant.pointer);
    }
  }
  std::printf("mutation test: %zu mutants of %zu reference captures\n", all.total, file_count);
  std::printf("  %-16s %7s %9s %9s %12s %12s\n", "kind", "mutants", "by engine", "by ours", "engine only", "ours only");
  auto row = [](const std::string& kind, const MutationTally& t) {
    std::printf("  %-16s %7zu %9zu %9zu %12zu %12zu\n", kind.c_str(), t.total, t.by_engine, t.by_compiled,
                t.engine_only, t.compiled_only);
  };
  for (const auto& [kind, tally] : tallies) row(kind, tally);
  row("all", all);
  for (std::size_t i = 0; i < missed.size() && i < 40; ++i) std::printf("  killed by the engine only: %s\n", missed[i].c_str());
  std::printf("false positives (real captures refused by ours, --strict): %zu of %zu reference and %zu project "
              "captures\n",
              false_positives.size(), file_count, corpus_count);
  for (const std::string& refused : false_positives) std::printf("  refused: %s", refused.c_str());
  CHECK(file_count == 40);
  CHECK(corpus_count > 0);
  CHECK(false_positives.empty());
  CHECK(all.total > 8000);
  CHECK(all.by_compiled > all.by_engine);
  CHECK(all.engine_only == 0);
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
