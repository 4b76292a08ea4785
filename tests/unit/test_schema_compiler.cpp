#include <fixturegen/json/document.hpp>
#include <fixturegen/scenario/discriminator.hpp>
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

namespace {

// Checks one capture against the schema compiled from `variants`/`annotations`.
fixturegen::scenario::CaptureCheck check_against(const std::string& variants, const std::string& annotations,
                                                 const std::string& capture) {
  auto set = fixturegen::scenario::ScenarioSet::from_scenarios({make(variants, annotations)});
  REQUIRE(set);
  auto schemas = fixturegen::scenario::TypeSchemas::from_scenarios(*set);
  REQUIRE(schemas);
  fixturegen::json::Document document;
  REQUIRE_FALSE(fixturegen::json::Document::parse(capture, document));
  auto result = schemas->check(document.root(), /*strict=*/true);
  REQUIRE(result);
  return *result;
}

// Checks of two kinds, each shown twice: row counts carry both counts,
// freshness checks the lag; `note` varies within a kind.
const std::string kChecks = R"({
  "a": {"command": "t", "checks": [{"kind": "row_count", "source": 1, "target": 1},
                                   {"kind": "freshness", "lag": 3, "note": "late"}]},
  "b": {"command": "t", "checks": [{"kind": "row_count", "source": 2, "target": 2, "note": "x"},
                                   {"kind": "freshness", "lag": 0}]}})";

}  // namespace

TEST_CASE("scenario::find_discriminator detection") {
  using fixturegen::scenario::DiscriminatorHints;
  using fixturegen::scenario::ObjectOccurrence;
  auto occurrence = [](std::vector<std::pair<std::string, std::string>> members) {
    ObjectOccurrence o;
    for (auto& [key, value] : members) {
      o.keys.push_back(key);
      if (!value.empty()) o.strings.emplace(key, value);  // "" here: not a string
    }
    return o;
  };
  const std::vector<ObjectOccurrence> checks{
      occurrence({{"kind", "row_count"}, {"name", "a"}, {"source", ""}, {"target", ""}}),
      occurrence({{"kind", "freshness"}, {"name", "b"}, {"lag", ""}}),
      occurrence({{"kind", "row_count"}, {"name", "c"}, {"source", ""}, {"target", ""}, {"note", "n"}}),
      occurrence({{"kind", "freshness"}, {"name", "d"}, {"lag", ""}})};
  DiscriminatorHints hints;
  hints.required = {"kind", "name"};

  SECTION("the key whose values partition the other keys' presence") {
    auto found = fixturegen::scenario::find_discriminator(checks, hints);
    REQUIRE(found);
    CHECK(found->key == "kind");  // `name` never repeats: an identifier, not a kind
    REQUIRE(found->cases.size() == 2);
    CHECK(found->cases[0].value == "row_count");
    CHECK(found->cases[0].required == std::vector<std::string>{"source", "target"});  // not `note`
    CHECK(found->cases[1].value == "freshness");
    CHECK(found->cases[1].required == std::vector<std::string>{"lag"});
  }
  SECTION("annotated optional keys are never required per kind") {
    hints.optional = {"target"};
    auto found = fixturegen::scenario::find_discriminator(checks, hints);
    REQUIRE(found);
    CHECK(found->cases[0].required == std::vector<std::string>{"source"});
  }
  SECTION("every value seen once backs nothing, unless annotated") {
    const std::vector<ObjectOccurrence> singles(checks.begin(), checks.begin() + 2);
    CHECK_FALSE(fixturegen::scenario::find_discriminator(singles, hints));
    hints.choice = std::optional<std::string>("kind");
    auto forced = fixturegen::scenario::find_discriminator(singles, hints);
    REQUIRE(forced);
    CHECK(forced->key == "kind");
    CHECK(forced->cases.size() == 2);
  }
  SECTION("values that are not kind names (versions, sentences) are data") {
    std::vector<ObjectOccurrence> versions = checks;
    for (ObjectOccurrence& o : versions) o.strings["kind"] += ".1";
    CHECK_FALSE(fixturegen::scenario::find_discriminator(versions, hints));
  }
  SECTION("`discriminator: false` turns detection off") {
    hints.choice = std::optional<std::string>();
    CHECK_FALSE(fixturegen::scenario::find_discriminator(checks, hints));
  }
  SECTION("a key some occurrence lacks, or has as a non-string, cannot discriminate") {
    CHECK_FALSE(fixturegen::scenario::discriminator_problem(checks, "kind"));
    CHECK_THAT(*fixturegen::scenario::discriminator_problem(checks, "note"), Catch::Contains("3 of the 4 objects"));
    CHECK_THAT(*fixturegen::scenario::discriminator_problem(checks, "source"),
               Catch::Contains("2 of the 4 objects the variants show here lack it and 2 of the 4 have another type"));
  }
}

TEST_CASE("scenario::compile_schema per-kind requirements") {
  SECTION("compiled as if/then on the discriminator's value, after additionalProperties") {
    OrderedJson schema = OrderedJson::parse(compile_schema_text(make(kChecks)));
    OrderedJson items = schema["properties"]["checks"]["items"];
    std::vector<std::string> keys;
    for (auto& item : items.items()) keys.push_back(item.key());
    CHECK(keys == std::vector<std::string>{"type", "properties", "required", "additionalProperties", "allOf"});
    CHECK(items["required"] == OrderedJson({"kind"}));
    CHECK(items["allOf"] == OrderedJson::parse(R"([
      {"if": {"properties": {"kind": {"const": "row_count"}}, "required": ["kind"]}, "then": {"required": ["source", "target"]}},
      {"if": {"properties": {"kind": {"const": "freshness"}}, "required": ["kind"]}, "then": {"required": ["lag"]}}])"));
  }
  SECTION("a kind's keys are required for that kind only; unknown kinds are free") {
    CHECK(check_against(kChecks, "{}", R"({"command": "t", "checks": [{"kind": "freshness", "lag": 1}]})").valid());
    auto missing = check_against(kChecks, "{}", R"({"command": "t", "checks": [{"kind": "row_count", "target": 1}]})");
    REQUIRE(missing.errors.size() == 1);
    CHECK(missing.errors[0].instance_pointer == "/checks/0");
    CHECK(missing.errors[0].message == "missing required property \"source\" (required when \"kind\" is \"row_count\")");
    CHECK_THAT(missing.errors[0].schema_pointer, Catch::EndsWith("/allOf/0/then/required"));
    CHECK(check_against(kChecks, "{}", R"({"command": "t", "checks": [{"kind": "volume", "note": "n"}]})").valid());
  }
  SECTION("`discriminator: false` compiles no allOf") {
    Json schema = compile(kChecks, R"({"/checks/*": {"discriminator": false}})");
    CHECK_FALSE(schema["properties"]["checks"]["items"].contains("allOf"));
  }
}

TEST_CASE("scenario::compile_schema never-negative integers") {
  Json schema = compile(R"({"a": {"command": "t", "count": 0, "delta": 3, "ratio": 0.5, "mixed": 1, "s": 2},
                            "b": {"command": "t", "count": 7, "delta": -2, "ratio": 2, "mixed": 1.5, "s": 4}})",
                        R"({"/s": {"signed": true}})");
  CHECK(schema["properties"]["count"]["minimum"] == 0);     // only ever 0 or more
  CHECK_FALSE(schema["properties"]["delta"].contains("minimum"));  // an example is negative
  CHECK_FALSE(schema["properties"]["ratio"].contains("minimum"));  // a number, not an integer
  CHECK_FALSE(schema["properties"]["mixed"].contains("minimum"));
  CHECK_FALSE(schema["properties"]["s"].contains("minimum"));      // annotated signed
  CHECK(compile(R"({"a": {"command": "t", "n": 1}, "b": {"command": "t", "n": 2}})", R"({"/n": {"minimum": 1}})")
            ["properties"]["n"]["minimum"] == 1);  // an annotated minimum wins
}
