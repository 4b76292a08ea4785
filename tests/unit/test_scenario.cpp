#include <fixturegen/scenario/coverage.hpp>
#include <fixturegen/scenario/instance_path.hpp>
#include <fixturegen/scenario/scenario.hpp>
#include <fixturegen/scenario/scenario_set.hpp>
#include <fixturegen/scenario/schema_source.hpp>

#include "support.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>

namespace fs = std::filesystem;
using fixturegen::ExitCode;
using fixturegen::scenario::parse_scenario;
using fixturegen::scenario::Scenario;
using fixturegen::scenario::ScenarioSet;
using OrderedJson = nlohmann::ordered_json;

namespace {

// A small valid scenario; tests break one thing at a time.
OrderedJson valid_scenario() {
  return OrderedJson::parse(R"({
    "name": "thing",
    "description": "Output of `rocky thing`.",
    "match": {"command": "thing"},
    "annotations": {
      "/items/*/kind": {"enum": ["a", "b"]},
      "/by_name": {"map": true},
      "/by_name/*/size": {"minimum": 0}
    },
    "variants": {
      "one": {"command": "thing", "items": [{"kind": "a"}], "by_name": {"x": {"size": 1}}},
      "two": {"command": "thing", "items": [], "by_name": {}}
    }
  })");
}

fixturegen::Expected<Scenario> parse(const OrderedJson& scenario, const char* file = "scenarios/thing.json") {
  return parse_scenario(scenario.dump(2), file);
}

std::string problem(const OrderedJson& scenario, const char* file = "scenarios/thing.json") {
  auto parsed = parse(scenario, file);
  REQUIRE_FALSE(parsed);
  CHECK(parsed.error().code() == ExitCode::UsageError);
  return parsed.error().message;
}

}  // namespace

TEST_CASE("scenario::parse_scenario") {
  SECTION("a valid file") {
    auto parsed = parse(valid_scenario());
    REQUIRE(parsed);
    CHECK(parsed->name == "thing");
    CHECK(parsed->match.command == "thing");
    REQUIRE(parsed->variants.size() == 2);
    CHECK(parsed->variants[0].name == "one");
    REQUIRE(parsed->annotations.size() == 3);
    REQUIRE(parsed->annotation("/by_name"));
    CHECK(parsed->annotation("/by_name")->map);
    CHECK(parsed->annotation("/nothing") == nullptr);
  }

  SECTION("unknown keys: file, JSON pointer, what to do") {
    auto scenario = valid_scenario();
    scenario["variant"] = OrderedJson::object();
    CHECK_THAT(problem(scenario), Catch::Contains("scenarios/thing.json: /variant: unknown key \"variant\"") &&
                                      Catch::Contains("rename or remove it"));
    scenario = valid_scenario();
    scenario["match"]["has_key"] = {"x"};
    CHECK_THAT(problem(scenario), Catch::Contains("/match/has_key: unknown key"));
    scenario = valid_scenario();
    scenario["annotations"]["/items/*/kind"]["enums"] = {"a"};
    CHECK_THAT(problem(scenario), Catch::Contains("/annotations/~1items~1*~1kind/enums: unknown key"));
  }

  SECTION("every problem in one report") {
    auto scenario = valid_scenario();
    scenario["extra1"] = 1;
    scenario["extra2"] = 2;
    const std::string message = problem(scenario);
    CHECK_THAT(message, Catch::Contains("2 problems") && Catch::Contains("extra1") && Catch::Contains("extra2"));
  }

  SECTION("name equals the file name") {
    CHECK_THAT(problem(valid_scenario(), "scenarios/other.json"),
               Catch::Contains("/name: \"thing\" differs from the file name \"other\""));
    auto scenario = valid_scenario();
    scenario["name"] = "Thing";
    CHECK_THAT(problem(scenario, "scenarios/Thing.json"), Catch::Contains("[a-z0-9_]+"));
  }

  SECTION("at least two variants, each an object") {
    auto scenario = valid_scenario();
    scenario["variants"].erase("two");
    CHECK_THAT(problem(scenario), Catch::Contains("/variants: has 1 variant(s)"));
    scenario = valid_scenario();
    scenario["variants"]["two"] = 3;
    CHECK_THAT(problem(scenario), Catch::Contains("/variants/two: must be a complete example output"));
  }

  SECTION("required keys") {
    for (const char* key : {"name", "description", "match", "variants"}) {
      auto scenario = valid_scenario();
      scenario.erase(key);
      CHECK_THAT(problem(scenario), Catch::Contains(std::string("missing required key \"") + key));
    }
    auto scenario = valid_scenario();
    scenario["match"].erase("command");
    CHECK_THAT(problem(scenario), Catch::Contains("/match: missing required key \"command\""));
  }

  SECTION("an annotation an example breaks (found by fuzz_scenario)") {
    // The compiled schema would reject the example it was written from.
    auto scenario = valid_scenario();
    scenario["variants"]["two"]["items"] = {{{"kind", "c"}}};
    CHECK_THAT(problem(scenario), Catch::Contains("/annotations/~1items~1*~1kind: `enum` does not list \"c\", which "
                                                  "variant \"two\" has here; add it to the enum or fix the example"));
    scenario = valid_scenario();
    scenario["variants"]["one"]["by_name"]["y"] = {{"size", -2}};
    CHECK_THAT(problem(scenario), Catch::Contains("/annotations/~1by_name~1*~1size: variant \"one\" has -2 here, "
                                                  "outside `minimum`/`maximum`"));
    // null is exempt (a null seen is added to the compiled enum), and so are non-numbers for bounds.
    scenario = valid_scenario();
    scenario["variants"]["two"]["items"] = {{{"kind", nullptr}}};
    scenario["variants"]["two"]["by_name"]["z"] = {{"size", "big"}};
    CHECK(parse(scenario));
  }

  SECTION("annotation paths must match something") {
    auto scenario = valid_scenario();
    scenario["annotations"]["/items/0/kind"] = {{"description", "x"}};
    CHECK_THAT(problem(scenario), Catch::Contains("matches nothing in any variant") && Catch::Contains("`*`"));
    scenario = valid_scenario();
    scenario["annotations"]["items"] = {{"optional", true}};
    CHECK_THAT(problem(scenario), Catch::Contains("is not an instance path"));
    // Inside a map, members are only reachable as `*`.
    scenario = valid_scenario();
    scenario["annotations"]["/by_name/x"] = {{"optional", true}};
    CHECK_THAT(problem(scenario), Catch::Contains("matches nothing"));
  }

  SECTION("annotations must fit what is there") {
    auto scenario = valid_scenario();
    scenario["annotations"]["/command"] = {{"map", true}};
    CHECK_THAT(problem(scenario), Catch::Contains("`map`/`open` apply to objects"));
    scenario = valid_scenario();
    scenario["annotations"]["/command"] = {{"maximum", 3}};
    CHECK_THAT(problem(scenario), Catch::Contains("apply to numbers"));
    scenario = valid_scenario();
    scenario["annotations"]["/items/*"] = {{"optional", true}};
    CHECK_THAT(problem(scenario), Catch::Contains("apply to object properties"));
    scenario = valid_scenario();
    scenario["annotations"]["/command"] = {{"optional", true}, {"required", true}};
    CHECK_THAT(problem(scenario), Catch::Contains("contradict"));
    scenario = valid_scenario();
    scenario["annotations"][""] = {{"description", "x"}};
    CHECK_THAT(problem(scenario), Catch::Contains("top-level `description`"));
    scenario = valid_scenario();
    scenario["annotations"]["/command"] = {{"enum", OrderedJson::array()}};
    CHECK_THAT(problem(scenario), Catch::Contains("non-empty array"));
    scenario = valid_scenario();
    scenario["annotations"]["/command"] = {{"nullable", "yes"}};
    CHECK_THAT(problem(scenario), Catch::Contains("must be true or false"));
  }

  SECTION("discriminator and signed annotations must fit what is there") {
    auto scenario = valid_scenario();
    scenario["annotations"]["/items/*"] = {{"discriminator", "kind"}};
    auto parsed = parse(scenario);
    REQUIRE(parsed);
    CHECK(parsed->annotation("/items/*")->discriminator == std::optional<std::string>("kind"));
    scenario["annotations"]["/items/*"] = {{"discriminator", false}};
    parsed = parse(scenario);
    REQUIRE(parsed);
    REQUIRE(parsed->annotation("/items/*")->discriminator);
    CHECK_FALSE(*parsed->annotation("/items/*")->discriminator);
    scenario["annotations"]["/items/*"] = {{"discriminator", true}};
    CHECK_THAT(problem(scenario), Catch::Contains("/annotations/~1items~1*/discriminator: must be the name of the key"));
    scenario["annotations"]["/items/*"] = {{"discriminator", "size"}};
    CHECK_THAT(problem(scenario), Catch::Contains("the discriminator \"size\" must be a string in every object") &&
                                      Catch::Contains("1 of the 1 objects the variants show here lack it"));
    scenario = valid_scenario();
    scenario["annotations"]["/command"] = {{"discriminator", "x"}};
    CHECK_THAT(problem(scenario), Catch::Contains("`discriminator` applies to objects"));
    scenario = valid_scenario();
    scenario["annotations"]["/by_name"]["discriminator"] = false;
    CHECK_THAT(problem(scenario), Catch::Contains("`discriminator` applies to objects"));
    scenario = valid_scenario();
    scenario["annotations"]["/command"] = {{"signed", true}};
    CHECK_THAT(problem(scenario), Catch::Contains("`minimum`/`maximum`/`signed` apply to numbers"));
    scenario = valid_scenario();
    scenario["annotations"]["/by_name/*/size"]["signed"] = true;
    CHECK_THAT(problem(scenario), Catch::Contains("keep one"));
  }

  SECTION("every variant is matched by the file's rule") {
    auto scenario = valid_scenario();
    scenario["variants"]["two"]["command"] = "thing2";
    CHECK_THAT(problem(scenario), Catch::Contains("/variants/two: this example is not matched"));
    scenario = valid_scenario();
    scenario["match"]["has_keys"] = {"items"};
    scenario["match"]["lacks_keys"] = {"items"};
    CHECK_THAT(problem(scenario), Catch::Contains("in both has_keys and lacks_keys"));
  }

  SECTION("unparseable files name file:line:col") {
    auto parsed = parse_scenario("{\n  \"name\": \"thing\",\n}", "scenarios/thing.json");
    REQUIRE_FALSE(parsed);
    CHECK_THAT(parsed.error().message, Catch::StartsWith("scenarios/thing.json:2:"));
    parsed = parse_scenario("[]", "scenarios/thing.json");
    REQUIRE_FALSE(parsed);
  }
}

TEST_CASE("scenario::ScenarioSet") {
  SECTION("loads a directory") {
    auto set = fixturegen::scenario::load_scenario_set(fixturegen::test::source_dir() / "tests/data/scenarios");
    REQUIRE(set);
    REQUIRE(set->scenarios().size() == 2);
    CHECK(set->scenarios()[0].name == "widget");
    CHECK(set->find("widget_detail") != nullptr);
    CHECK(set->matcher().entries().size() == 2);
  }

  SECTION("a missing or empty directory is a usage error") {
    auto missing = fixturegen::scenario::load_scenario_set(fixturegen::test::source_dir() / "tests/data/no-such-dir");
    REQUIRE_FALSE(missing);
    CHECK(missing.error().code() == ExitCode::UsageError);
    fixturegen::test::ScratchDir empty;
    auto none = fixturegen::scenario::load_scenario_set(empty.path());
    REQUIRE_FALSE(none);
    CHECK_THAT(none.error().message, Catch::Contains("no scenario files"));
  }

  SECTION("a tie between types is a load error") {
    auto a = valid_scenario();
    auto b = valid_scenario();
    b["name"] = "thing_too";
    auto first = parse(a);
    auto second = parse(b, "scenarios/thing_too.json");
    REQUIRE(first);
    REQUIRE(second);
    auto set = ScenarioSet::from_scenarios({*first, *second});
    REQUIRE_FALSE(set);
    CHECK_THAT(set.error().message, Catch::Contains("tie"));
  }

  SECTION("a variant taken by a more specific type is a load error") {
    auto general = valid_scenario();
    auto specific = valid_scenario();
    specific["name"] = "thing_items";
    specific["match"]["has_keys"] = {"items"};
    auto first = parse(general);
    auto second = parse(specific, "scenarios/thing_items.json");
    REQUIRE(first);
    REQUIRE(second);
    auto set = ScenarioSet::from_scenarios({*first, *second});
    REQUIRE_FALSE(set);
    CHECK_THAT(set.error().message, Catch::Contains("matched as type \"thing_items\", not \"thing\""));
  }
}

TEST_CASE("scenario::SchemaSource::schema_file joins as std::filesystem::path") {
  fixturegen::scenario::SchemaSource source;
  CHECK(source.schema_file("run").empty());  // no schema files: pointers stand alone
  for (const char* dir : {"schemas", "schemas/", "/abs/schemas", "./s", "a//b", "a//b/", "/", "//", "."}) {
    source.schema_file_dir = dir;
    for (const char* type : {"run", "column_lineage", "/abs", "a/b"}) {
      const std::string expected =
          (fs::path(dir) / (std::string(type) + ".schema.json")).generic_string();
      CHECK(source.schema_file(type) == expected);
    }
  }
  source.schema_file_dir = "schemas";
  CHECK(source.schema_file("run") == "schemas/run.schema.json");
}

TEST_CASE("scenario::collect_instance_paths") {
  fixturegen::json::Document document;
  REQUIRE_FALSE(fixturegen::json::Document::parse(
      R"({"a": [{"b": 1}, {"c": null}], "m": {"x": {"y": 1}, "z": {}}, "s~/": 2})", document));
  fixturegen::scenario::PathSet paths;
  std::map<std::string, fixturegen::scenario::KindMask, std::less<>> kinds;
  fixturegen::scenario::collect_instance_paths(document.root(), {"/m"}, paths, &kinds);
  CHECK(paths == fixturegen::scenario::PathSet{"", "/a", "/a/*", "/a/*/b", "/a/*/c", "/m", "/m/*", "/m/*/y",
                                               "/s~0~1"});
  CHECK(kinds["/a/*/c"] == fixturegen::scenario::kind_bit(fixturegen::json::Kind::Null));
  CHECK(fixturegen::scenario::parent_path("/a/*/b") == "/a/*");
  CHECK(fixturegen::scenario::parent_path("/a") == "");
}

TEST_CASE("scenario::CoverageTracker") {
  auto set = fixturegen::scenario::load_scenario_set(fixturegen::test::source_dir() / "tests/data/scenarios");
  REQUIRE(set);
  fixturegen::scenario::CoverageTracker tracker(&*set);
  fixturegen::json::Document capture;
  REQUIRE_FALSE(fixturegen::json::Document::parse(
      R"({"command": "widget", "detail": {"id": 1}})", capture));
  tracker.add(capture.root(), std::string("widget_detail"), std::string("widget"));
  tracker.add(capture.root(), std::nullopt, std::string("gadget"));
  auto report = tracker.report();
  CHECK(report.commands_without_scenarios == std::vector<std::string>{"gadget"});
  REQUIRE(report.types.size() == 2);
  CHECK(report.types[0].type == "widget");
  CHECK(report.types[0].captures == 0);
  CHECK(report.types[0].unseen_variants.size() == 2);
  CHECK(report.types[0].unobserved_paths.empty());
  CHECK(report.types[1].type == "widget_detail");
  CHECK(report.types[1].unobserved_paths == std::vector<std::string>{"/detail/name"});
  REQUIRE(report.types[1].unseen_variants.size() == 1);
  CHECK(report.types[1].unseen_variants[0].name == "two");
  CHECK(report.types[1].unseen_variants[0].first_missing_path == "/detail/name");
}
