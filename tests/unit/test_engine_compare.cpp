// Scenarios (and captures) against the engine's own schemas: the schema walk
// over small constructed schemas, one case per construct ($ref chains,
// nullable anyOf, tagged unions, maps, recursion), the comparison per
// category, the report, and the figures against ../shared/rocky-reference.
#include <fixturegen/io/file.hpp>
#include <fixturegen/json/document.hpp>
#include <fixturegen/scenario/coverage.hpp>
#include <fixturegen/scenario/engine_compare.hpp>
#include <fixturegen/scenario/engine_compare_report.hpp>
#include <fixturegen/scenario/engine_schema_fields.hpp>
#include <fixturegen/scenario/scenario.hpp>
#include <fixturegen/scenario/scenario_set.hpp>

#include "support.hpp"

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using fixturegen::json::Document;
using fixturegen::json::Kind;
using namespace fixturegen::scenario;
using OrderedJson = nlohmann::ordered_json;

namespace {

// Documents must outlive the Values walked over them: keep them all.
struct Docs {
  std::vector<std::unique_ptr<Document>> held;
  fixturegen::json::Value parse(const std::string& text) {
    auto document = std::make_unique<Document>();
    auto error = Document::parse(text, *document);
    if (error) FAIL(error->to_string());
    held.push_back(std::move(document));
    return held.back()->root();
  }
};

EngineSchemaFields declared_by(const std::string& schema) {
  Docs docs;
  return collect_declared_fields(docs.parse(schema));
}

std::vector<std::string> paths_of(const EngineSchemaFields& fields) {
  std::vector<std::string> paths;
  for (const auto& [path, field] : fields.fields) paths.push_back(path);
  return paths;
}

const DeclaredField& field_at(const EngineSchemaFields& fields, const std::string& path) {
  const DeclaredField* field = fields.find(path);
  if (!field) FAIL("no declared field at " << path);
  return *field;
}

// Compares `schema` with example documents, maps from the schema only.
TypeComparison compare(const std::string& schema, const std::vector<std::string>& examples) {
  Docs docs;
  const EngineSchemaFields declared = collect_declared_fields(docs.parse(schema));
  PathSet enum_paths;
  for (const auto& [path, field] : declared.fields)
    if (field.enum_closed()) enum_paths.insert(path);
  ShownFields shown;
  for (const std::string& example : examples)
    collect_shown_fields(docs.parse(example), declared.map_paths(), enum_paths, shown);
  return compare_fields("thing", declared, shown);
}

const TypeFinding* finding(const TypeComparison& comparison, const std::string& path, TypeFinding::Kind kind) {
  for (const TypeFinding& item : comparison.findings)
    if (item.path == path && item.kind == kind) return &item;
  return nullptr;
}

using Paths = std::vector<std::string>;

}  // namespace

TEST_CASE("scenario::collect_declared_fields follows $ref chains and allOf wrappers") {
  const auto fields = declared_by(R"({
    "type": "object",
    "properties": {
      "partition": {"description": "wrapped", "allOf": [{"$ref": "#/definitions/PartitionAlias"}]},
      "runs": {"type": "array", "items": {"$ref": "#/definitions/Run"}}
    },
    "definitions": {
      "PartitionAlias": {"$ref": "#/definitions/Partition"},
      "Partition": {"type": "object", "properties": {"start": {"type": "string"}, "end": {"type": "string"}},
                    "additionalProperties": false},
      "Run": {"type": "object", "properties": {"rows": {"type": "integer"}}, "$comment": "x"}
    }
  })");
  CHECK(paths_of(fields) == Paths{"", "/partition", "/partition/end", "/partition/start", "/runs", "/runs/*",
                                  "/runs/*/rows"});
  CHECK(field_at(fields, "/partition").kinds == kind_bit(Kind::Object));
  CHECK_FALSE(field_at(fields, "/partition").open);
  CHECK(field_at(fields, "/runs/*/rows").kinds == kind_bit(Kind::Integer));
  CHECK(field_at(fields, "/runs").kinds == kind_bit(Kind::Array));
  CHECK(fields.problems.empty());
  CHECK(fields.field_count() == 6);
}

TEST_CASE("scenario::collect_declared_fields: nullable anyOf and type arrays add null, enums stay closed") {
  const auto fields = declared_by(R"({
    "type": "object",
    "properties": {
      "status": {"anyOf": [{"$ref": "#/definitions/Status"}, {"type": "null"}]},
      "count": {"type": ["integer", "null"]},
      "ratio": {"type": "number"},
      "note": {"type": "string"},
      "mode": {"oneOf": [{"type": "string", "enum": ["a"]}, {"type": "string", "const": "b"}]}
    },
    "definitions": {"Status": {"type": "string", "enum": ["ok", "failed", "skipped"]}}
  })");
  const DeclaredField& status = field_at(fields, "/status");
  CHECK(status.kinds == (kind_bit(Kind::String) | kind_bit(Kind::Null)));
  CHECK(status.enum_closed());
  CHECK(status.enum_values == std::set<std::string, std::less<>>{"\"failed\"", "\"ok\"", "\"skipped\""});
  CHECK(field_at(fields, "/count").kinds == (kind_bit(Kind::Integer) | kind_bit(Kind::Null)));
  CHECK(field_at(fields, "/ratio").kinds == (kind_bit(Kind::Integer) | kind_bit(Kind::Float)));
  CHECK_FALSE(field_at(fields, "/note").enum_closed());
  CHECK(field_at(fields, "/mode").enum_values == std::set<std::string, std::less<>>{"\"a\"", "\"b\""});
  CHECK(field_at(fields, "/mode").enum_closed());
  CHECK_FALSE(field_at(fields, "/mode").tag);  // a union of strings has no tag
}

TEST_CASE("scenario::collect_declared_fields: a tagged oneOf declares every branch and its tags") {
  const auto fields = declared_by(R"({
    "type": "object",
    "properties": {"changes": {"type": "array", "items": {"$ref": "#/definitions/Change"}}},
    "definitions": {
      "Change": {"oneOf": [
        {"type": "object", "properties": {"kind": {"type": "string", "enum": ["model_removed"]},
                                          "model": {"type": "string"}}},
        {"type": "object", "properties": {"kind": {"type": "string", "const": "column_retyped"},
                                          "model": {"type": "string"}, "before": {"type": "string"},
                                          "after": {"type": "string"}}}
      ]}
    }
  })");
  CHECK(paths_of(fields) == Paths{"", "/changes", "/changes/*", "/changes/*/after", "/changes/*/before",
                                  "/changes/*/kind", "/changes/*/model"});
  const DeclaredField& kind = field_at(fields, "/changes/*/kind");
  CHECK(kind.tag);
  CHECK(kind.enum_closed());
  CHECK(kind.enum_values == std::set<std::string, std::less<>>{"\"column_retyped\"", "\"model_removed\""});
  CHECK(field_at(fields, "/changes/*").kinds == kind_bit(Kind::Object));
  CHECK_FALSE(field_at(fields, "/changes/*/model").tag);
}

TEST_CASE("scenario::collect_declared_fields: maps, free-form objects and arrays") {
  const auto fields = declared_by(R"({
    "type": "object",
    "properties": {
      "tags": {"type": "object", "additionalProperties": {"type": "string"}},
      "by_model": {"type": ["object", "null"], "additionalProperties": {"$ref": "#/definitions/Entry"}},
      "payload": {"type": "object"},
      "anything": {},
      "list": {"type": "array"},
      "closed": {"type": "object", "properties": {"a": {"type": "boolean"}}, "additionalProperties": false}
    },
    "definitions": {"Entry": {"type": "object", "properties": {"rows": {"type": "integer"}}}}
  })");
  CHECK(field_at(fields, "/tags").map);
  CHECK(field_at(fields, "/tags/*").kinds == kind_bit(Kind::String));
  CHECK(field_at(fields, "/by_model").map);
  CHECK(field_at(fields, "/by_model/*/rows").kinds == kind_bit(Kind::Integer));
  CHECK(fields.map_paths() == PathSet{"/by_model", "/tags"});
  CHECK(field_at(fields, "/payload").open);
  CHECK(field_at(fields, "/anything").open);
  CHECK(field_at(fields, "/anything").kinds == kAnyKind);
  CHECK(field_at(fields, "/list").open);
  CHECK_FALSE(field_at(fields, "/closed").open);
  CHECK_FALSE(field_at(fields, "/tags").open);
}

TEST_CASE("scenario::collect_declared_fields stops at a recursive definition instead of looping") {
  SECTION("a tree: the repeated definition on the current path is not expanded again") {
    const auto fields = declared_by(R"({
      "$ref": "#/definitions/Node",
      "definitions": {"Node": {"type": "object", "properties": {
        "name": {"type": "string"},
        "children": {"type": "array", "items": {"$ref": "#/definitions/Node"}}}}}
    })");
    CHECK(paths_of(fields) == Paths{"", "/children", "/children/*", "/name"});
    CHECK(field_at(fields, "/children/*").open);
    CHECK(fields.problems.empty());
  }
  SECTION("mutual recursion through a chain, and a reference to the root") {
    const auto fields = declared_by(R"({
      "type": "object",
      "properties": {"a": {"$ref": "#/definitions/A"}, "self": {"$ref": "#"}},
      "definitions": {
        "A": {"type": "object", "properties": {"b": {"$ref": "#/definitions/B"}}},
        "B": {"type": "object", "properties": {"a": {"$ref": "#/definitions/A"}}}
      }
    })");
    CHECK(paths_of(fields) == Paths{"", "/a", "/a/b", "/a/b/a", "/self", "/self/a", "/self/a/b", "/self/a/b/a",
                                    "/self/self"});
    CHECK(field_at(fields, "/a/b/a").open);
    CHECK(field_at(fields, "/self/self").open);
  }
  SECTION("a definition that refers to itself directly") {
    const auto fields = declared_by(R"({"$ref": "#/definitions/Loop", "definitions": {"Loop": {"$ref": "#/definitions/Loop"}}})");
    CHECK(paths_of(fields) == Paths{""});
    CHECK(field_at(fields, "").open);
  }
  SECTION("paths that double at every level stop at a bound, with a problem saying so") {
    // D0 names D1 twice, D1 names D2 twice, ...: 2^20 paths without recursion.
    OrderedJson schema{{"$ref", "#/definitions/D0"}, {"definitions", OrderedJson::object()}};
    for (int level = 0; level < 20; ++level) {
      const std::string next = fmt::format("#/definitions/D{}", level + 1);
      schema["definitions"][fmt::format("D{}", level)] = {
          {"type", "object"}, {"properties", {{"l", {{"$ref", next}}}, {"r", {{"$ref", next}}}}}};
    }
    schema["definitions"]["D20"] = {{"type", "string"}};
    const auto fields = declared_by(schema.dump());
    CHECK(fields.fields.size() <= 200'000);
    REQUIRE(fields.problems.size() == 1);
    CHECK_THAT(fields.problems[0], Catch::Contains("more than 200000 instance paths"));
  }
}

TEST_CASE("scenario::collect_declared_fields and collect_shown_fields stop at a depth bound") {
  // 3,000 nested `items`: walked 2,000 deep, the rest is free-form.
  std::string schema;
  for (int i = 0; i < 3000; ++i) schema += R"({"type": "array", "items": )";
  schema += R"({"type": "string"})" + std::string(3000, '}');
  const auto fields = declared_by(schema);
  CHECK(fields.fields.size() == 2002);  // the root, 2,000 levels, and the free-form one below
  REQUIRE(fields.problems.size() == 1);
  CHECK_THAT(fields.problems[0], Catch::Contains("nested deeper than 2000 subschemas; not walked further"));

  Docs docs;
  const auto deep = docs.parse(std::string(1500, '[') + std::string(1500, ']'));
  ShownFields shown;
  CHECK_FALSE(collect_shown_fields(deep, {}, {}, shown));
  CHECK(shown.size() == kMaxShownDepth + 1);
  ShownFields shallow;
  CHECK(collect_shown_fields(docs.parse(std::string(1000, '[') + std::string(1000, ']')), {}, {}, shallow));
  CHECK(shallow.size() == 1000);
}

TEST_CASE("scenario::collect_declared_fields reports what it cannot follow") {
  const auto fields = declared_by(R"({
    "type": "object",
    "properties": {
      "remote": {"$ref": "other.schema.json#/definitions/X"},
      "dangling": {"$ref": "#/definitions/Nope"}
    }
  })");
  REQUIRE(fields.problems.size() == 2);
  CHECK_THAT(fields.problems[0], Catch::Contains("/properties/dangling/$ref \"#/definitions/Nope\": points at nothing"));
  CHECK_THAT(fields.problems[1], Catch::Contains("/properties/remote/$ref \"other.schema.json#/definitions/X\"") &&
                                     Catch::Contains("only references inside the same schema"));
  CHECK(field_at(fields, "/remote").open);
}

TEST_CASE("scenario::compare_fields: declared fields no example shows, topmost first") {
  const auto result = compare(R"({
    "type": "object",
    "properties": {
      "materializations": {"type": "array", "items": {"type": "object", "properties": {
        "name": {"type": "string"},
        "partition": {"anyOf": [{"$ref": "#/definitions/Window"}, {"type": "null"}]}}}},
      "version": {"type": "string"}
    },
    "definitions": {"Window": {"type": "object", "properties": {"start": {"type": "string"}, "end": {"type": "string"}}}}
  })",
                              {R"({"version": "1", "materializations": [{"name": "a", "partition": {"start": "x"}}]})",
                               R"({"version": "1", "materializations": []})"});
  CHECK(result.declared == 7);
  CHECK(result.shown == 6);
  CHECK(result.missing == Paths{"/materializations/*/partition/end"});
  CHECK(result.extra.empty());

  const auto nothing = compare(R"({"type": "object", "properties": {"a": {"type": "object", "properties": {
                                   "b": {"type": "string"}, "c": {"type": "string"}}}}})",
                               {"{}"});
  CHECK(nothing.missing == Paths{"/a", "/a/b", "/a/c"});
  const auto folded = fold_paths(nothing.missing);
  REQUIRE(folded.size() == 1);
  CHECK(folded[0].path == "/a");
  CHECK(folded[0].below == 2);
}

TEST_CASE("scenario::compare_fields: shown fields the engine does not declare") {
  const auto result = compare(R"({
    "type": "object",
    "properties": {
      "name": {"type": "string"},
      "tags": {"type": "object", "additionalProperties": {"type": "string"}},
      "payload": {"type": "object"},
      "tree": {"$ref": "#/definitions/Node"}
    },
    "definitions": {"Node": {"type": "object", "properties": {"children": {"type": "array", "items": {"$ref": "#/definitions/Node"}}}}}
  })",
                              {R"({"name": "a", "nmae": {"typo": 1}, "tags": {"owner": "x", "team": "y"},
                                   "payload": {"free": {"form": true}},
                                   "tree": {"children": [{"children": [{"children": []}], "label": "deep"}]}})"});
  // The typo and its child are extra (the text lists the topmost); map
  // members, free-form payloads and what lies below a recursion stop are not.
  CHECK(result.extra == Paths{"/nmae", "/nmae/typo"});
  CHECK(result.missing.empty());
}

TEST_CASE("scenario::compare_fields: type disagreements") {
  const auto result = compare(R"({
    "type": "object",
    "properties": {
      "rows": {"type": "integer"},
      "ratio": {"type": "number"},
      "cost": {"type": "number"},
      "error": {"type": ["string", "null"]},
      "status": {"type": "string", "enum": ["ok", "failed", "skipped"]},
      "strategy": {"oneOf": [
        {"type": "object", "properties": {"type": {"type": "string", "enum": ["full_refresh"]}}},
        {"type": "object", "properties": {"type": {"type": "string", "enum": ["incremental"]},
                                          "column": {"type": "string"}}}]}
    }
  })",
                              {R"({"rows": "12", "ratio": 3, "cost": 0.5, "error": "boom", "status": "ok",
                                   "strategy": {"type": "full_refresh"}})",
                               R"({"rows": 1, "ratio": 4, "cost": 1, "error": "x", "status": "cancelled",
                                   "strategy": {"type": "incremental", "column": "ts"}})"});
  const TypeFinding* rows = finding(result, "/rows", TypeFinding::Kind::KindNotDeclared);
  REQUIRE(rows);
  CHECK(rows->message == "examples show string; the engine declares integer");
  const TypeFinding* ratio = finding(result, "/ratio", TypeFinding::Kind::IntegerForNumber);
  REQUIRE(ratio);
  CHECK_THAT(ratio->message, Catch::Contains("examples only show integers"));
  CHECK_FALSE(finding(result, "/cost", TypeFinding::Kind::IntegerForNumber));  // 0.5 shows a fraction
  CHECK_FALSE(finding(result, "/cost", TypeFinding::Kind::KindNotShown));
  const TypeFinding* error = finding(result, "/error", TypeFinding::Kind::KindNotShown);
  REQUIRE(error);
  CHECK(error->message == "the engine allows null; no example shows null");
  const TypeFinding* unused = finding(result, "/status", TypeFinding::Kind::EnumValueNotShown);
  REQUIRE(unused);
  CHECK(unused->values == Paths{"\"failed\"", "\"skipped\""});
  const TypeFinding* foreign = finding(result, "/status", TypeFinding::Kind::EnumValueNotDeclared);
  REQUIRE(foreign);
  CHECK(foreign->values == Paths{"\"cancelled\""});
  // Both tags shown: no finding on the union's tag.
  CHECK_FALSE(finding(result, "/strategy/type", TypeFinding::Kind::EnumValueNotShown));
  CHECK(result.findings.size() == 5);

  const auto one_tag = compare(R"({"oneOf": [
        {"type": "object", "properties": {"kind": {"enum": ["sampled"]}}},
        {"type": "object", "properties": {"kind": {"const": "bisection"}, "depth": {"type": "integer"}}}]})",
                               {R"({"kind": "sampled"})"});
  const TypeFinding* tag = finding(one_tag, "/kind", TypeFinding::Kind::EnumValueNotShown);
  REQUIRE(tag);
  CHECK(tag->message == "tagged variants no example shows: \"bisection\"");
  CHECK(one_tag.missing == Paths{"/depth"});
}

namespace {

// A scratch project: engine schemas in `engine/`, scenarios in memory.
ScenarioSet scenarios_of(const std::vector<std::pair<std::string, OrderedJson>>& files) {
  std::vector<Scenario> parsed;
  for (const auto& [name, scenario] : files) {
    auto one = parse_scenario(scenario.dump(2), fmt::format("scenarios/{}.json", name));
    if (!one) FAIL(one.error().message);
    parsed.push_back(std::move(*one));
  }
  auto set = ScenarioSet::from_scenarios(std::move(parsed));
  if (!set) FAIL(set.error().message);
  return std::move(*set);
}

OrderedJson thing_scenario() {
  return OrderedJson::parse(R"({
    "name": "thing",
    "description": "Output of `rocky thing`.",
    "match": {"command": "thing"},
    "annotations": {"/by_name": {"map": true}},
    "variants": {
      "one": {"command": "thing", "by_name": {"x": {"size": 1}}, "status": "ok", "note": "n"},
      "two": {"command": "thing", "by_name": {}, "status": "ok", "typo": true}
    }
  })");
}

OrderedJson lonely_scenario() {
  return OrderedJson::parse(R"({
    "name": "lonely", "description": "Output of `rocky lonely`.", "match": {"command": "lonely"},
    "variants": {"one": {"command": "lonely"}, "two": {"command": "lonely"}}
  })");
}

constexpr const char* kThingSchema = R"({
  "$schema": "http://json-schema.org/draft-07/schema#",
  "type": "object",
  "properties": {
    "command": {"type": "string"},
    "by_name": {"type": "object", "additionalProperties": {"$ref": "#/definitions/Entry"}},
    "status": {"type": "string", "enum": ["ok", "failed"]},
    "note": {"type": ["string", "null"]},
    "started_at": {"type": "string"}
  },
  "definitions": {"Entry": {"type": "object", "properties": {"size": {"type": "integer"}}}}
})";

}  // namespace

TEST_CASE("scenario::compare_with_engine_schemas pairs scenarios with DIR/<type>.schema.json") {
  fixturegen::test::ScratchDir scratch;
  const fs::path engine = scratch.path() / "engine";
  fs::create_directories(engine);
  fixturegen::test::write_text(engine / "thing.schema.json", kThingSchema);
  fixturegen::test::write_text(engine / "other.schema.json", R"({"type": "object"})");
  fixturegen::test::write_text(engine / "README.md", "not a schema");
  const ScenarioSet set = scenarios_of({{"thing", thing_scenario()}, {"lonely", lonely_scenario()}});

  auto comparison = compare_with_engine_schemas(set, engine);
  if (!comparison) FAIL(comparison.error().message);
  CHECK(comparison->engine_types_without_scenario == Paths{"other"});
  CHECK(comparison->scenarios_without_engine_schema == Paths{"lonely"});
  REQUIRE(comparison->types.size() == 1);
  const TypeComparison& thing = comparison->types[0];
  CHECK(thing.type == "thing");
  CHECK(thing.examples == 2);
  CHECK(thing.declared == 7);  // command, by_name, by_name/*, by_name/*/size, status, note, started_at
  CHECK(thing.shown == 6);
  CHECK(thing.missing == Paths{"/started_at"});
  CHECK(thing.extra == Paths{"/typo"});
  REQUIRE(thing.findings.size() == 2);
  CHECK(thing.findings[0].path == "/note");
  CHECK(thing.findings[0].kind == TypeFinding::Kind::KindNotShown);
  CHECK(thing.findings[1].path == "/status");
  CHECK(thing.findings[1].kind == TypeFinding::Kind::EnumValueNotShown);

  SECTION("a scenario's `enum` and `nullable` annotations describe values as its variants do") {
    OrderedJson annotated = thing_scenario();
    annotated["annotations"]["/status"] = {{"enum", {"ok", "failed"}}};
    annotated["annotations"]["/note"] = {{"nullable", true}};
    auto again = compare_with_engine_schemas(scenarios_of({{"thing", annotated}}), engine);
    REQUIRE(again);
    CHECK(again->types.at(0).findings.empty());
  }

  SECTION("text: a summary line per type, the findings, the unpaired types and a total") {
    const std::string text = comparison_text(*comparison);
    CHECK_THAT(text, Catch::Contains("thing: declared 7, shown 6 (86%), missing 1, extra 1, type 2\n"));
    CHECK_THAT(text, Catch::Contains("  missing  /started_at\n"));
    CHECK_THAT(text, Catch::Contains("  extra    /typo\n"));
    CHECK_THAT(text, Catch::Contains("  type     /status: enum values the engine allows that no example uses: \"failed\"\n"));
    CHECK_THAT(text, Catch::Contains("engine types with no scenario (1): other\n"));
    CHECK_THAT(text, Catch::Contains("scenarios with no engine schema (1): lonely\n"));
    CHECK_THAT(text, Catch::EndsWith("1 type(s) compared: declared 7, shown 6 (86%), missing 1, extra 1, type 2\n"));
  }
  SECTION("json") {
    const OrderedJson json = comparison_json(*comparison);
    CHECK(json["types"][0]["summary"] == OrderedJson::parse(R"({"declared": 7, "shown": 6, "missing": 1, "extra": 1, "type": 2})"));
    CHECK(json["types"][0]["missing"] == OrderedJson::array({"/started_at"}));
    CHECK(json["types"][0]["type_findings"][1]["kind"] == "enum_value_not_shown");
    CHECK(json["types"][0]["type_findings"][1]["values"] == OrderedJson::array({"failed"}));
    CHECK(json["types"][0]["type_findings"][0]["values"] == OrderedJson::array({"null"}));  // a kind name
    CHECK(json["engine_types_without_scenario"] == OrderedJson::array({"other"}));
    CHECK(json["scenarios_without_engine_schema"] == OrderedJson::array({"lonely"}));
    CHECK(json["total"]["declared"] == 7);
  }
  SECTION("--fail-on names the categories that are not empty") {
    CHECK(failing_categories(*comparison, {"missing", "extra", "type"}) == Paths{"missing", "extra", "type"});
    CHECK(failing_categories(*comparison, {"no-scenario", "no-schema"}) == Paths{"no-scenario", "no-schema"});
    SchemaComparison clean;
    clean.types.push_back(TypeComparison{});
    CHECK(failing_categories(clean, compare_category_names()).empty());
  }
  SECTION("a missing directory is a usage error; a broken schema an error naming the file") {
    auto missing = compare_with_engine_schemas(set, scratch.path() / "nope");
    REQUIRE_FALSE(missing);
    CHECK(missing.error().code() == fixturegen::ExitCode::UsageError);
    CHECK_THAT(missing.error().message, Catch::Contains("no schema directory"));
    fixturegen::test::write_text(engine / "thing.schema.json", "{\"type\": ");
    auto broken = compare_with_engine_schemas(set, engine);
    REQUIRE_FALSE(broken);
    CHECK_THAT(broken.error().message, Catch::Contains("thing.schema.json:1:"));
  }
}

TEST_CASE("scenario::EngineFieldCoverage: engine-declared fields no capture shows") {
  fixturegen::test::ScratchDir scratch;
  fixturegen::test::write_text(scratch.path() / "thing.schema.json", kThingSchema);
  Docs docs;
  EngineFieldCoverage coverage(scratch.path());
  REQUIRE(coverage.add(docs.parse(R"({"command": "thing", "by_name": {"a": {}, "b": {}}, "status": "ok"})"), "thing"));
  REQUIRE(coverage.add(docs.parse(R"({"command": "thing", "status": "failed"})"), "thing"));
  REQUIRE(coverage.add(docs.parse(R"({"command": "unknown"})"), "unknown"));  // no schema: validate says so
  const auto report = coverage.report();
  REQUIRE(report.size() == 1);
  CHECK(report[0].examples == 2);
  CHECK(report[0].missing == Paths{"/by_name/*/size", "/note", "/started_at"});
  CHECK(report[0].findings.empty());  // both enum values shown
  const std::string text = engine_coverage_text(report, "engine");
  CHECK_THAT(text, Catch::Contains("thing: declared 7, shown 4 (57%) by 2 capture(s), missing 3"));
  CHECK_THAT(text, Catch::Contains("    /by_name/*/size\n"));
  CHECK(engine_coverage_json(report)[0]["missing"] == OrderedJson::array({"/by_name/*/size", "/note", "/started_at"}));

  fixturegen::test::write_text(scratch.path() / "bad.schema.json", "[");
  EngineFieldCoverage broken(scratch.path());
  auto added = broken.add(docs.parse("{}"), "bad");
  REQUIRE_FALSE(added);
  CHECK_THAT(added.error().message, Catch::Contains("bad.schema.json"));
}

TEST_CASE("scenario::fold_paths keeps descendants under their topmost path even when they sort apart") {
  const auto folded = fold_paths({"/a", "/a-b", "/a/c", "/a/c/d", "/b/x"});
  REQUIRE(folded.size() == 3);
  CHECK(folded[0].path == "/a");
  CHECK(folded[0].below == 2);
  CHECK(folded[1].path == "/a-b");
  CHECK(folded[1].below == 0);
  CHECK(folded[2].path == "/b/x");
}

TEST_CASE("scenario::compare_with_engine_schemas against the engine's published schemas (figures for the README)") {
  auto reference = fixturegen::test::rocky_reference();
  if (!reference) return;
  auto set = load_scenario_set(fixturegen::test::source_dir() / "scenarios");
  REQUIRE(set);
  auto comparison = compare_with_engine_schemas(*set, *reference / "schemas");
  REQUIRE(comparison);
  // Every scenario is an engine output type, and the engine has 93 schemas.
  CHECK(comparison->scenarios_without_engine_schema.empty());
  CHECK(comparison->types.size() == set->scenarios().size());
  CHECK(comparison->types.size() + comparison->engine_types_without_scenario.size() == 93);
  std::string figures = "type | declared | shown | missing | extra | type findings\n";
  for (const TypeComparison& type : comparison->types) {
    CHECK(type.problems.empty());
    CHECK(type.declared > 0);
    CHECK(type.shown + type.missing.size() == type.declared);
    // What the README claims: the scenarios show every engine-declared
    // field and nothing the engine does not declare.
    INFO(type.type);
    CHECK(type.missing.empty());
    CHECK(type.extra.empty());
    figures += fmt::format("{} | {} | {} | {} | {} | {}\n", type.type, type.declared, type.shown, type.missing.size(),
                           type.extra.size(), type.findings.size());
  }
  const OrderedJson total = comparison_json(*comparison)["total"];
  figures += fmt::format("total | {} | {} | {} | {} | {}\n", total["declared"].get<std::size_t>(),
                         total["shown"].get<std::size_t>(), total["missing"].get<std::size_t>(),
                         total["extra"].get<std::size_t>(), total["type"].get<std::size_t>());
  std::fputs(figures.c_str(), stderr);

  // The captured corpus: every capture typed as `validate --schemas` types it.
  OutputTypeMatcher matcher = set->matcher();
  matcher.add_engine_convention();
  EngineFieldCoverage coverage(*reference / "schemas");
  auto files = fixturegen::io::list_json_files(*reference / "fixtures_generated");
  REQUIRE(files);
  REQUIRE(files->size() == 40);
  Docs docs;
  for (const fs::path& file : *files) {
    auto text = fixturegen::io::read_file(file);
    REQUIRE(text);
    const auto capture = docs.parse(*text);
    auto type = matcher.match(capture);
    REQUIRE(type);
    REQUIRE(coverage.add(capture, *type));
  }
  std::string corpus = "captured type | captures | declared | shown by captures\n";
  for (const TypeComparison& type : coverage.report()) {
    CHECK(type.examples > 0);
    corpus += fmt::format("{} | {} | {} | {}\n", type.type, type.examples, type.declared, type.shown);
  }
  std::fputs(corpus.c_str(), stderr);
}
