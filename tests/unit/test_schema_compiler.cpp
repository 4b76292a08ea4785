#include <fixturegen/json/document.hpp>
#include <fixturegen/scenario/scenario.hpp>
#include <fixturegen/scenario/scenario_set.hpp>
#include <fixturegen/scenario/schema_compiler.hpp>
#include <fixturegen/scenario/type_schemas.hpp>

#include "support.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <string>

namespace fs = std::filesystem;
using fixturegen::scenario::compile_schema_text;
using fixturegen::scenario::Scenario;
using Json = nlohmann::json;
using OrderedJson = nlohmann::ordered_json;

namespace {

Scenario make(const std::string& variants, const std::string& annotations = "{}") {
  const std::string text = R"({"name": "t", "description": "Test.", "match": {"command": "t"}, "annotations": )" +
                           annotations + R"(, "variants": )" + variants + "}";
  auto scenario = fixturegen::scenario::parse_scenario(text, "t.json");
  INFO(text);
  if (!scenario) FAIL(scenario.error().message);
  return *scenario;
}

// The compiled schema of the root, as plain JSON for comparisons.
Json compile(const std::string& variants, const std::string& annotations = "{}") {
  return Json::parse(compile_schema_text(make(variants, annotations)));
}

}  // namespace

TEST_CASE("scenario::compile_schema header and key order") {
  OrderedJson schema = OrderedJson::parse(
      compile_schema_text(make(R"({"a": {"command": "t", "x": 1}, "b": {"command": "t", "y": "s"}})")));
  std::vector<std::string> keys;
  for (auto& item : schema.items()) keys.push_back(item.key());
  CHECK(keys == std::vector<std::string>{"$schema", "$id", "title", "description", "type", "properties", "required",
                                         "additionalProperties"});
  CHECK(schema["$schema"] == "http://json-schema.org/draft-07/schema#");
  CHECK(schema["$id"] == "https://fixturegen.rocky/schemas/t.schema.json");
  CHECK(schema["title"] == "t");
  CHECK(schema["description"] == "Test.");
  std::vector<std::string> properties;
  for (auto& item : schema["properties"].items()) properties.push_back(item.key());
  CHECK(properties == std::vector<std::string>{"command", "x", "y"});  // first seen first
}

TEST_CASE("scenario::compile_schema merging rules") {
  SECTION("required: present in every variant") {
    Json schema = compile(R"({"a": {"command": "t", "z": 1, "x": 1}, "b": {"command": "t", "y": "s", "x": 2}})");
    CHECK(schema["required"] == Json({"command", "x"}));  // sorted
    CHECK(schema["additionalProperties"] == false);
  }
  SECTION("types: union, integer kept apart from number, null") {
    Json schema = compile(R"({"a": {"command": "t", "i": 1, "n": 1, "f": 0.5, "u": "s", "o": null},
                              "b": {"command": "t", "i": 2, "n": 2.5, "f": 1.0, "u": 3, "o": null}})");
    CHECK(schema["properties"]["i"]["type"] == "integer");
    CHECK(schema["properties"]["n"]["type"] == "number");
    CHECK(schema["properties"]["f"]["type"] == "number");
    CHECK(schema["properties"]["u"]["type"] == Json({"string", "integer"}));
    CHECK(schema["properties"]["o"]["type"] == "null");
  }
  SECTION("nullable when any variant has null") {
    Json schema = compile(R"({"a": {"command": "t", "v": null}, "b": {"command": "t", "v": {"k": true}}})");
    CHECK(schema["properties"]["v"]["type"] == Json({"object", "null"}));
    CHECK(schema["properties"]["v"]["properties"]["k"]["type"] == "boolean");
  }
  SECTION("array items merge every element of every variant") {
    Json schema = compile(R"({"a": {"command": "t", "l": [{"p": 1}, {"p": 2, "q": "x"}], "e": [], "m": [1]},
                              "b": {"command": "t", "l": [{"p": 3.5}], "e": [], "m": []}})");
    Json items = schema["properties"]["l"]["items"];
    CHECK(items["type"] == "object");
    CHECK(items["properties"]["p"]["type"] == "number");
    CHECK(items["properties"]["q"]["type"] == "string");
    CHECK(items["required"] == Json({"p"}));
    CHECK(schema["properties"]["e"]["items"] == Json::object());  // only ever empty: unconstrained
    CHECK(schema["properties"]["m"]["items"]["type"] == "integer");  // empty arrays contribute nothing
  }
  SECTION("nested objects compile recursively") {
    Json schema = compile(R"({"a": {"command": "t", "o": {"p": {"q": [[1]]}}}, "b": {"command": "t", "o": {"p": {"q": []}}}})");
    Json q = schema["properties"]["o"]["properties"]["p"]["properties"]["q"];
    CHECK(q["type"] == "array");
    CHECK(q["items"]["type"] == "array");
    CHECK(q["items"]["items"]["type"] == "integer");
    CHECK(schema["properties"]["o"]["properties"]["p"]["additionalProperties"] == false);
  }
}

TEST_CASE("scenario::compile_schema annotations") {
  const std::string variants = R"({
    "a": {"command": "t", "s": "x", "n": 1, "m": {"k1": {"v": 1}}, "opt": 1, "o": {"free": 1}, "l": [{"w": 1}, {}], "d": "2000-01-01T00:00:00Z"},
    "b": {"command": "t", "s": "y", "n": 5, "m": {}, "opt": 2, "o": {}, "l": [], "d": null}})";
  const std::string annotations = R"({
    "/s": {"enum": ["x", "y", "z"], "nullable": true, "description": "S."},
    "/n": {"minimum": 0, "maximum": 10.5},
    "/m": {"map": true},
    "/opt": {"optional": true},
    "/o": {"open": true},
    "/l/*/w": {"required": true},
    "/d": {"format": "date-time"}})";
  Json schema = compile(variants, annotations);
  Json properties = schema["properties"];
  CHECK(properties["s"]["description"] == "S.");
  CHECK(properties["s"]["type"] == Json({"string", "null"}));
  CHECK(properties["s"]["enum"] == Json({"x", "y", "z", nullptr}));  // nullable enum lists null
  CHECK(properties["n"]["minimum"] == 0);
  CHECK(properties["n"]["maximum"] == 10.5);
  CHECK(properties["m"]["additionalProperties"]["properties"]["v"]["type"] == "integer");
  CHECK_FALSE(properties["m"].contains("properties"));
  CHECK_FALSE(properties["m"].contains("required"));
  CHECK_FALSE(properties["o"].contains("additionalProperties"));
  CHECK(properties["l"]["items"]["required"] == Json({"w"}));
  CHECK(properties["d"]["format"] == "date-time");
  CHECK(properties["d"]["type"] == Json({"string", "null"}));
  const Json required = schema["required"];
  CHECK(std::find(required.begin(), required.end(), "opt") == required.end());
  CHECK(std::find(required.begin(), required.end(), "s") != required.end());
}

TEST_CASE("scenario::compile_schema_text is byte-stable") {
  Scenario scenario = make(R"({"a": {"command": "t", "f": 1e-05, "g": 0.1, "u": "\u00e9"}, "b": {"command": "t", "f": 2.0}})");
  const std::string first = compile_schema_text(scenario);
  const std::string second = compile_schema_text(scenario);
  CHECK(first == second);
  CHECK(first.back() == '\n');
  CHECK_THAT(first, Catch::StartsWith("{\n  \"$schema\": \"http://json-schema.org/draft-07/schema#\",\n"));
  CHECK(fixturegen::scenario::schema_file_name("run") == "run.schema.json");
}

TEST_CASE("scenario::TypeSchemas") {
  auto set = fixturegen::scenario::load_scenario_set(fixturegen::test::source_dir() / "tests/data/scenarios");
  REQUIRE(set);
  auto schemas = fixturegen::scenario::TypeSchemas::from_scenarios(*set);
  REQUIRE(schemas);
  auto check = [&](const std::string& text, bool strict) {
    fixturegen::json::Document document;
    REQUIRE_FALSE(fixturegen::json::Document::parse(text, document));
    auto result = schemas->check(document.root(), strict);
    REQUIRE(result);
    return *result;
  };
  const std::string good = R"({"command": "widget", "status": "ok", "count": 1, "ratio": 0.5, "created_at": null,
     "labels": {"a": "b"}, "extra": {"x": 1}, "parts": [{"name": "n", "weight": 1}], "tags": [], "maybe": null})";

  auto ok = check(good, true);
  CHECK(ok.valid());
  CHECK(ok.type == "widget");
  CHECK(ok.command == "widget");

  SECTION("an unknown key is a warning, or an error when strict") {
    std::string extra = good;
    extra.insert(1, R"("surprise": 1, )");
    auto lenient = check(extra, false);
    CHECK(lenient.valid());
    REQUIRE(lenient.warnings.size() == 1);
    CHECK(lenient.warnings[0].instance_pointer == "/surprise");
    CHECK(fixturegen::scenario::is_not_allowed_violation(lenient.warnings[0]));
    auto strict = check(extra, true);
    CHECK_FALSE(strict.valid());
    CHECK(strict.errors.size() == 1);
  }
  SECTION("a wrong type is an error either way") {
    auto result = check(R"({"command": "widget", "detail": {"id": "x"}})", false);
    CHECK(result.type == "widget_detail");
    REQUIRE(result.errors.size() == 1);
    CHECK(result.errors[0].instance_pointer == "/detail/id");
    CHECK_THAT(result.errors[0].schema_pointer, Catch::EndsWith("/type"));
  }
  SECTION("enum, minimum, map values, required from annotations") {
    CHECK_FALSE(check(R"({"command": "widget", "status": "weird", "count": 1, "ratio": 0.5, "created_at": null,
       "labels": {}, "extra": {}, "parts": [], "tags": [], "maybe": null})", true).valid());
    CHECK_FALSE(check(R"({"command": "widget", "status": "ok", "count": -1, "ratio": 0.5, "created_at": null,
       "labels": {}, "extra": {}, "parts": [], "tags": [], "maybe": null})", true).valid());
    CHECK_FALSE(check(R"({"command": "widget", "status": "ok", "count": 1, "ratio": 0.5, "created_at": null,
       "labels": {"a": 1}, "extra": {}, "parts": [], "tags": [], "maybe": null})", true).valid());
    CHECK_FALSE(check(R"({"command": "widget", "status": "ok", "count": 1, "ratio": 0.5, "created_at": null,
       "labels": {}, "extra": {}, "parts": [{"name": "n"}], "tags": [], "maybe": null})", true).valid());
  }
  SECTION("no matching type names the scenario file to add") {
    auto result = check(R"({"command": "gadget"})", false);
    CHECK_FALSE(result.valid());
    CHECK_FALSE(result.type);
    REQUIRE(result.errors.size() == 1);
    CHECK_THAT(result.errors[0].message, Catch::Contains("\"gadget\"") && Catch::Contains("gadget.json"));
    auto no_command = check(R"({"x": 1})", false);
    CHECK_THAT(no_command.errors[0].message, Catch::Contains("`command`"));
  }
}

TEST_CASE("scenario::TypeSchemas from a directory honours each file's $schema (issue 6.16)") {
  fixturegen::test::ScratchDir dir;
  fixturegen::test::write_text(dir.path() / "run.schema.json",
                               R"({"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
                                   "properties": {"steps": {"prefixItems": [{"type": "integer"}], "items": false}}})");
  fixturegen::test::write_text(dir.path() / "plan.schema.json",
                               R"({"$schema": "http://json-schema.org/draft-04/schema#", "type": "object"})");
  fixturegen::scenario::OutputTypeMatcher matcher;
  matcher.add_engine_convention();
  auto schemas = fixturegen::scenario::TypeSchemas::from_directory(dir.path(), std::move(matcher));
  REQUIRE(schemas);
  const auto check = [&](const std::string& text) {
    fixturegen::json::Document document;
    REQUIRE_FALSE(fixturegen::json::Document::parse(text, document));
    return schemas->check(document.root(), true);
  };
  // Read as draft-07, `items: false` would refuse [1] too.
  const auto valid = check(R"({"command": "run", "steps": [1]})");
  REQUIRE(valid);
  CHECK(valid->valid());
  const auto invalid = check(R"({"command": "run", "steps": ["x"]})");
  REQUIRE(invalid);
  CHECK_FALSE(invalid->valid());
  // An unknown $schema: a config error that names the file.
  const auto unknown = check(R"({"command": "plan"})");
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().kind == fixturegen::ErrorKind::Config);
  CHECK_THAT(unknown.error().message, Catch::Contains("plan.schema.json") && Catch::Contains("draft-04"));
}
