// The JSON Schema validator: keyword families, messages and pointers, the
// no-cascade rule, $ref resolution (cycles, remotes, ids), invalid schemas,
// and the engine's real schemas against the 40 reference captures.

#include "json_test_support.hpp"

#include <fixturegen/io/file.hpp>
#include <fixturegen/json/document.hpp>
#include <fixturegen/schema/validator.hpp>

#include <catch2/catch.hpp>

#include <pthread.h>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

using namespace fixturegen;
using schema::Draft;
using schema::SchemaStore;
using schema::Validator;
using schema::ValidatorOptions;
using schema::Violation;

namespace {

std::shared_ptr<const json::Document> parse(std::string_view text) { return test::parse_document(text); }

Validator compile(std::string_view schema_text, const ValidatorOptions& options = {},
                  const SchemaStore& store = {}) {
  auto validator = Validator::compile(parse(schema_text), "", store, options);
  if (!validator) FAIL("compile failed: " << validator.error().message);
  return std::move(validator).value();
}

// Validates and checks that the fast path agrees with the full report.
std::vector<Violation> check(const Validator& validator, std::string_view instance_text) {
  const auto instance = parse(instance_text);
  INFO(instance_text);
  const auto fast = validator.is_valid(instance->root());
  auto violations = validator.validate(instance->root());
  if (!fast) FAIL("is_valid gave an error: " << fast.error().message);
  if (!violations) FAIL("validate gave an error: " << violations.error().message);
  CHECK(*fast == violations->empty());
  return std::move(violations).value();
}

std::vector<Violation> check(std::string_view schema_text, std::string_view instance_text,
                             const ValidatorOptions& options = {}) {
  return check(compile(schema_text, options), instance_text);
}

bool valid(std::string_view schema_text, std::string_view instance_text,
           const ValidatorOptions& options = {}) {
  return check(schema_text, instance_text, options).empty();
}

// The one violation there must be.
Violation single(std::string_view schema_text, std::string_view instance_text,
                 const ValidatorOptions& options = {}) {
  auto violations = check(schema_text, instance_text, options);
  INFO(schema_text << " / " << instance_text);
  for (const auto& v : violations) INFO(v.instance_pointer << " " << v.schema_pointer << " " << v.message);
  REQUIRE(violations.size() == 1);
  return violations.front();
}

ValidatorOptions with_formats() {
  ValidatorOptions options;
  options.check_formats = true;
  return options;
}

ValidatorOptions draft2020() {
  ValidatorOptions options;
  options.draft = Draft::Draft2020_12;
  return options;
}

}  // namespace

TEST_CASE("schema::Validator type") {
  CHECK(valid(R"({"type": "integer"})", "1"));
  CHECK(valid(R"({"type": "integer"})", "1.0"));
  CHECK(valid(R"({"type": "integer"})", "123456789012345678901234567890"));
  CHECK_FALSE(valid(R"({"type": "integer"})", "1.5"));
  CHECK(valid(R"({"type": "number"})", "1"));
  CHECK(valid(R"({"type": ["string", "null"]})", "null"));
  CHECK_FALSE(valid(R"({"type": "boolean"})", "0"));

  const auto v = single(R"({"type": "integer"})", R"("12")");
  CHECK(v.message == R"(expected integer, found string "12")");
  CHECK(v.instance_pointer == "");
  CHECK(v.schema_pointer == "/type");

  CHECK(single(R"({"type": ["integer", "null"]})", "true").message ==
        "expected integer or null, found boolean true");
  CHECK(single(R"({"type": "string"})", "2.5").message == "expected string, found number 2.5");
}

TEST_CASE("schema::Validator enum and const") {
  const char* schema = R"({
    "definitions": {"RunOutput": {"type": "object", "properties": {
      "status": {"type": "string", "enum": ["Success", "Failure"]}}}},
    "$ref": "#/definitions/RunOutput"})";
  const auto v = single(schema, R"({"status": "Sucess"})");
  CHECK(v.message == R"(expected one of ["Success", "Failure"], found "Sucess")");
  CHECK(v.instance_pointer == "/status");
  CHECK(v.schema_pointer == "/definitions/RunOutput/properties/status/enum");

  CHECK(valid(R"({"enum": [1, "a", null, {"x": [1]}]})", R"({"x": [1.0]})"));
  CHECK_FALSE(valid(R"({"enum": [1, "a", null]})", "false"));
  CHECK(valid(R"({"const": {"a": [1, 2]}})", R"({"a": [1.0, 2]})"));
  CHECK(single(R"({"const": "x"})", R"("y")").message == R"(expected "x", found "y")");
}

TEST_CASE("schema::Validator numbers") {
  CHECK(valid(R"({"multipleOf": 0.0001})", "0.0075"));
  CHECK_FALSE(valid(R"({"multipleOf": 0.0001})", "0.00751"));
  CHECK(valid(R"({"multipleOf": 0.01})", "19.99"));
  CHECK(valid(R"({"multipleOf": 1.5})", "4.5"));
  CHECK_FALSE(valid(R"({"multipleOf": 1.5})", "35"));
  CHECK(valid(R"({"multipleOf": 1e-8})", "12391239123"));
  CHECK_FALSE(valid(R"({"type": "integer", "multipleOf": 0.123456789})", "1e308"));
  CHECK(valid(R"({"multipleOf": 4})", "100000000000000000000000000000"));
  CHECK_FALSE(valid(R"({"multipleOf": 3})", "100000000000000000000000000000"));
  CHECK(single(R"({"multipleOf": 3})", "10").message == "expected a multiple of 3, found 10");

  CHECK(valid(R"({"minimum": 0.0})", "0"));
  CHECK(single(R"({"minimum": 0.0})", "-1").message == "expected a number >= 0, found -1");
  CHECK(single(R"({"exclusiveMaximum": 10})", "10").message == "expected a number < 10, found 10");
  CHECK(valid(R"({"maximum": 9223372036854775807})", "9223372036854775807"));
  CHECK_FALSE(valid(R"({"maximum": 9223372036854775806})", "9223372036854775807"));
  CHECK(valid(R"({"minimum": 5})", R"("not a number")"));
}

TEST_CASE("schema::Validator strings") {
  // Lengths count code points, not bytes.
  CHECK(valid(R"({"maxLength": 5})", R"("héllo")"));
  CHECK(valid(R"({"minLength": 3, "maxLength": 3})", R"("日本語")"));
  CHECK(valid(R"({"maxLength": 1})", R"("\ud83d\ude00")"));
  const auto v = single(R"({"maxLength": 2})", R"("日本語")");
  CHECK(v.message == R"(expected at most 2 characters, found 3 in "日本語")");
  CHECK(single(R"({"minLength": 2})", R"("a")").message ==
        R"(expected at least 2 characters, found 1 in "a")");

  // Patterns search anywhere unless anchored, in UTF mode.
  CHECK(valid(R"({"pattern": "b+"})", R"("abbc")"));
  CHECK_FALSE(valid(R"({"pattern": "^b+$"})", R"("abbc")"));
  CHECK(valid(R"({"pattern": "^.$"})", R"("é")"));
  CHECK(valid(R"({"pattern": "^\\p{Letter}+$"})", R"("héllo")"));
  CHECK(single(R"({"pattern": "^[a-z]+$"})", R"("ABC")").message ==
        R"(expected a string matching the pattern "^[a-z]+$", found "ABC")");
  // `$` is the end of the text only, as in ECMA-262.
  CHECK_FALSE(valid(R"({"pattern": "^abc$"})", R"("abc\n")"));
}

TEST_CASE("schema::Validator arrays") {
  CHECK(valid(R"({"items": {"type": "integer"}})", "[1, 2, 3]"));
  const auto item = single(R"({"items": {"type": "integer"}})", R"([1, "x", 3])");
  CHECK(item.instance_pointer == "/1");
  CHECK(item.schema_pointer == "/items/type");

  CHECK(valid(R"({"items": [{"type": "integer"}, {"type": "string"}]})", R"([1, "a", null])"));
  const auto extra = single(R"({"items": [{"type": "integer"}], "additionalItems": false})", "[1, 2]");
  CHECK(extra.instance_pointer == "/1");
  CHECK(extra.schema_pointer == "/additionalItems");

  CHECK(single(R"({"maxItems": 3})", "[1, 2, 3, 4, 5]").message == "expected at most 3 items, found 5");
  CHECK(single(R"({"minItems": 2.0})", "[1]").message == "expected at least 2 items, found 1");
  CHECK(valid(R"({"minItems": 2.0})", "[1, 2]"));

  CHECK(valid(R"({"uniqueItems": true})", R"([1, "1", [1], {"a": 1}])"));
  CHECK(single(R"({"uniqueItems": true})", "[1, 2, 1.0]").message ==
        "expected unique items, found item 2 equal to item 0 (1)");
  CHECK(valid(R"({"uniqueItems": true})", R"([{"a": 1, "b": 2}, {"a": 1, "b": 3}])"));
  CHECK_FALSE(valid(R"({"uniqueItems": true})", R"([{"a": 1, "b": 2}, {"b": 2, "a": 1}])"));

  CHECK(valid(R"({"contains": {"const": 3}})", "[1, 3]"));
  CHECK(single(R"({"contains": {"const": 3}})", "[1, 2]").message ==
        R"(expected at least one item matching the "contains" schema, found none among 2 items)");
}

TEST_CASE("schema::Validator objects") {
  const auto missing = single(R"({"required": ["run_id", "status"]})", R"({"status": 1})");
  CHECK(missing.message == R"(missing required property "run_id")");
  CHECK(missing.instance_pointer == "");
  CHECK(missing.schema_pointer == "/required");

  const char* closed = R"({"properties": {"a": {}}, "patternProperties": {"^x-": {"type": "string"}},
                           "additionalProperties": false})";
  CHECK(valid(closed, R"({"a": 1, "x-b": "y"})"));
  const auto extra = single(closed, R"({"a": 1, "foo": 2})");
  CHECK(extra.message == R"(property "foo" is not allowed (additionalProperties is false))");
  CHECK(extra.instance_pointer == "/foo");
  CHECK(extra.schema_pointer == "/additionalProperties");
  CHECK(single(closed, R"({"x-b": 5})").schema_pointer == "/patternProperties/^x-/type");

  CHECK(valid(R"({"additionalProperties": {"type": "integer"}})", R"({"a": 1})"));
  CHECK_FALSE(valid(R"({"additionalProperties": {"type": "integer"}})", R"({"a": "1"})"));

  CHECK(single(R"({"maxProperties": 1})", R"({"a": 1, "b": 2})").message ==
        "expected at most 1 property, found 2");
  CHECK(single(R"({"minProperties": 3})", R"({"a": 1})").message ==
        "expected at least 3 properties, found 1");

  CHECK(single(R"({"dependencies": {"a": ["b"]}})", R"({"a": 1})").message ==
        R"(property "a" requires property "b", which is missing)");
  CHECK_FALSE(valid(R"({"dependencies": {"a": {"required": ["c"]}}})", R"({"a": 1})"));
  CHECK(valid(R"({"dependencies": {"a": {"required": ["c"]}}})", R"({"b": 1})"));

  const auto name = single(R"({"propertyNames": {"maxLength": 3}})", R"({"abcd": 1})");
  CHECK(name.instance_pointer == "/abcd");
  CHECK(name.message == R"(property name "abcd" is invalid: expected at most 3 characters, found 4 in "abcd")");

  // Many required properties (beyond the 64-bit fast mask).
  std::string schema = R"({"required": [)";
  std::string instance = "{";
  for (int i = 0; i < 70; ++i) {
    schema += (i ? ", " : "") + std::string("\"p") + std::to_string(i) + "\"";
    if (i != 68) instance += (instance.size() > 1 ? ", " : "") + std::string("\"p") + std::to_string(i) + "\": 0";
  }
  schema += "]}";
  instance += "}";
  CHECK(single(schema, instance).message == R"(missing required property "p68")");
}

TEST_CASE("schema::Validator combinators and conditionals") {
  CHECK(valid(R"({"allOf": [{"minimum": 1}, {"maximum": 3}]})", "2"));
  CHECK_FALSE(valid(R"({"allOf": [{"minimum": 1}, {"maximum": 3}]})", "4"));
  CHECK(valid(R"({"oneOf": [{"type": "integer"}, {"minimum": 2}]})", "1"));
  CHECK(single(R"({"oneOf": [{"type": "integer"}, {"minimum": 2}]})", "3").message ==
        "expected exactly one of the 2 alternatives (oneOf) to match, found 2 matching (alternatives 0 and 1)");
  CHECK(single(R"({"not": {"type": "string"}})", R"("x")").message ==
        R"(expected a value not matching the "not" schema, found string "x")");
  const char* conditional = R"({"if": {"properties": {"kind": {"const": "a"}}},
                                "then": {"required": ["a"]}, "else": {"required": ["b"]}})";
  CHECK(valid(conditional, R"({"kind": "a", "a": 1})"));
  CHECK(single(conditional, R"({"kind": "a"})").schema_pointer == "/then/required");
  CHECK(single(conditional, R"({"kind": "z"})").schema_pointer == "/else/required");
  CHECK(valid(R"(true)", "[1]"));
  CHECK(single(R"(false)", "1").message == "no value is allowed here (the schema is false), found integer 1");
  CHECK(single(R"({"properties": {"a": false}})", R"({"a": 1})").instance_pointer == "/a");
}

TEST_CASE("schema::Validator reports no cascades") {
  // A failing leaf reached through $ref, allOf and properties is reported
  // once, at the leaf.
  const char* schema = R"({
    "definitions": {
      "Inner": {"type": "object", "properties": {"n": {"type": "integer"}}},
      "Outer": {"type": "object", "properties": {"inner": {"allOf": [{"$ref": "#/definitions/Inner"}], "description": "x"}}}
    },
    "allOf": [{"$ref": "#/definitions/Outer"}, {"required": ["inner"]}]})";
  const auto v = single(schema, R"({"inner": {"n": "1"}})");
  CHECK(v.instance_pointer == "/inner/n");
  CHECK(v.schema_pointer == "/definitions/Inner/properties/n/type");

  // A type mismatch is not followed by the other keywords restating it.
  CHECK(single(R"({"type": "string", "enum": ["a"], "minLength": 3})", "5").message ==
        "expected string, found integer 5");
}

TEST_CASE("schema::Validator anyOf/oneOf pick the nearly matching branch") {
  // The nullable pattern generators emit.
  const char* nullable = R"({
    "definitions": {"Stats": {"type": "object", "properties": {"rows": {"type": "integer"}},
                              "required": ["rows"]}},
    "properties": {"stats": {"anyOf": [{"$ref": "#/definitions/Stats"}, {"type": "null"}]}}})";
  CHECK(valid(nullable, R"({"stats": null})"));
  CHECK(valid(nullable, R"({"stats": {"rows": 1}})"));
  const auto inner = single(nullable, R"({"stats": {"rows": "many"}})");
  CHECK(inner.instance_pointer == "/stats/rows");
  CHECK(inner.message == R"(expected integer, found string "many")");
  const auto missing = single(nullable, R"({"stats": {}})");
  CHECK(missing.message == R"(missing required property "rows")");
  const auto wrong = single(nullable, R"({"stats": "x"})");
  CHECK(wrong.message == R"(expected object or null, found string "x")");
  CHECK(wrong.schema_pointer == "/properties/stats/anyOf");

  // Unit-variant enums with descriptions.
  const char* variants = R"({"oneOf": [{"type": "string", "enum": ["full"], "description": "a"},
                                       {"type": "string", "enum": ["incremental"], "description": "b"}]})";
  CHECK(single(variants, R"("delta")").message == R"(expected one of ["full", "incremental"], found "delta")");

  // Tagged unions: the branch whose tag matches speaks.
  const char* tagged = R"({"oneOf": [
      {"type": "object", "properties": {"kind": {"enum": ["added"]}, "model": {"type": "string"}}, "required": ["kind", "model"]},
      {"type": "object", "properties": {"kind": {"enum": ["removed"]}, "reason": {"type": "string"}}, "required": ["kind", "reason"]}]})";
  const auto tag = single(tagged, R"({"kind": "removed", "reason": 5})");
  CHECK(tag.instance_pointer == "/reason");
  CHECK(tag.message == "expected string, found integer 5");

  // Nothing close: one summary.
  const auto none = single(R"({"anyOf": [{"type": "object", "required": ["a"]}, {"type": "object", "required": ["b"]}]})", "{}");
  CHECK(none.message == "does not match any of the 2 alternatives (anyOf), found object {}");
}

TEST_CASE("schema::Validator format") {
  const char* nullable_time = R"({"type": ["string", "null"], "format": "date-time"})";
  CHECK(valid(nullable_time, "null", with_formats()));
  CHECK(valid(nullable_time, R"("2000-01-01T00:00:00Z")", with_formats()));
  CHECK(valid(nullable_time, R"("2024-02-29T23:59:60.5-00:00")", with_formats()));
  CHECK_FALSE(valid(nullable_time, R"("2024-02-29T12:00:60Z")", with_formats()));
  CHECK_FALSE(valid(nullable_time, R"("2023-02-29T00:00:00Z")", with_formats()));
  CHECK(valid(nullable_time, R"("1998-12-31T23:59:60Z")", with_formats()));
  const auto bad = single(nullable_time, R"("yesterday")", with_formats());
  CHECK(bad.message.find("date-time") != std::string::npos);
  CHECK(bad.schema_pointer == "/format");
  // Annotation only unless asked.
  CHECK(valid(nullable_time, R"("yesterday")"));
  // Unknown formats are annotations.
  CHECK(valid(R"({"format": "double"})", "1.5", with_formats()));
  CHECK(valid(R"({"format": "made-up"})", R"("x")", with_formats()));

  // The engine's integer widths are range-checked.
  CHECK(valid(R"({"format": "uint32"})", "4294967295", with_formats()));
  CHECK_FALSE(valid(R"({"format": "uint32"})", "4294967296", with_formats()));
  CHECK_FALSE(valid(R"({"format": "uint64"})", "-1", with_formats()));
  CHECK(valid(R"({"format": "uint64"})", "18446744073709551615", with_formats()));
  CHECK_FALSE(valid(R"({"format": "uint64"})", "18446744073709551616", with_formats()));
  CHECK_FALSE(valid(R"({"format": "int32"})", "2147483648", with_formats()));

  const std::pair<const char*, const char*> good[] = {
      {"date", "2024-02-29"}, {"time", "08:30:06.283185Z"}, {"email", "joe.bloggs@example.com"},
      {"ipv4", "192.168.0.1"}, {"ipv6", "::ffff:192.168.0.1"}, {"uri", "https://x.org/a?b#c"},
      {"uri-reference", "../a/b"}, {"uuid", "2eb8aa08-aa98-11ea-b4aa-73b441d16380"},
      {"regex", "^a(b|c)*$"}, {"hostname", "www.example.com"}, {"json-pointer", "/a~1b/0"},
      {"relative-json-pointer", "1/a"}};
  const std::pair<const char*, const char*> wrong[] = {
      {"date", "2023-02-29"}, {"time", "08:30:06"}, {"email", "joe..bloggs@example.com"},
      {"ipv4", "192.168.0.01"}, {"ipv6", "12345::"}, {"uri", "//x.org/no-scheme"},
      {"uri-reference", "\\\\WINDOWS"}, {"uuid", "2eb8aa08-aa98-11ea-b4aa-73b441d1638"},
      {"regex", "^(abc]"}, {"hostname", "-bad.example"}, {"json-pointer", "a/b"},
      {"relative-json-pointer", "01/a"}};
  for (const auto& [format, text] : good) {
    INFO(format << " " << text);
    CHECK(valid(std::string(R"({"format": ")") + format + "\"}", "\"" + std::string(text) + "\"", with_formats()));
  }
  for (const auto& [format, text] : wrong) {
    INFO(format << " " << text);
    CHECK_FALSE(valid(std::string(R"({"format": ")") + format + "\"}", "\"" + std::string(text) + "\"", with_formats()));
  }
}

TEST_CASE("schema::Validator $ref resolution") {
  // Recursive definitions: compiled once, cycles are indices.
  const char* tree = R"({"definitions": {"node": {"type": "object", "properties": {
      "value": {"type": "integer"}, "children": {"type": "array", "items": {"$ref": "#/definitions/node"}}}}},
      "$ref": "#/definitions/node"})";
  CHECK(valid(tree, R"({"value": 1, "children": [{"value": 2, "children": [{"value": 3}]}]})"));
  const auto deep = single(tree, R"({"value": 1, "children": [{"value": 2, "children": [{"value": "3"}]}]})");
  CHECK(deep.instance_pointer == "/children/0/children/0/value");

  CHECK(valid(R"({"properties": {"next": {"$ref": "#"}}, "additionalProperties": false})",
              R"({"next": {"next": {}}})"));

  // Escaped pointer tokens and percent-encoding.
  const char* escaped = R"({"definitions": {"a~b": {"type": "integer"}, "c/d": {"type": "string"}, "e%f": {"type": "null"}},
      "properties": {"x": {"$ref": "#/definitions/a~0b"}, "y": {"$ref": "#/definitions/c~1d"}, "z": {"$ref": "#/definitions/e%25f"}}})";
  CHECK(valid(escaped, R"({"x": 1, "y": "s", "z": null})"));
  CHECK_FALSE(valid(escaped, R"({"x": "1"})"));

  // $id changes the base; location-independent ids.
  const char* ids = R"({"$id": "http://example.com/root.json",
      "definitions": {"A": {"$id": "#foo", "type": "integer"},
                      "B": {"$id": "other.json", "definitions": {"C": {"type": "string"}}}},
      "properties": {"a": {"$ref": "#foo"}, "c": {"$ref": "other.json#/definitions/C"}}})";
  CHECK(valid(ids, R"({"a": 1, "c": "s"})"));
  CHECK_FALSE(valid(ids, R"({"a": "1"})"));
  CHECK_FALSE(valid(ids, R"({"c": 1})"));

  // draft-07: siblings of $ref are ignored.
  CHECK(valid(R"({"definitions": {"a": {"type": "array"}}, "properties": {"x": {"$ref": "#/definitions/a", "maxItems": 1}}})",
              R"({"x": [1, 2, 3]})"));

  // The draft-07 metaschema is built in.
  CHECK(valid(R"({"$ref": "http://json-schema.org/draft-07/schema#"})", R"({"type": "string"})"));
  CHECK_FALSE(valid(R"({"$ref": "http://json-schema.org/draft-07/schema#"})", R"({"minLength": -1})"));
}

TEST_CASE("schema::Validator remote documents through the store") {
  SchemaStore store;
  store.add("https://example.com/common.json",
            parse(R"({"definitions": {"Id": {"type": "string", "minLength": 1}}})"));
  int loads = 0;
  store.set_loader([&](std::string_view uri) -> std::shared_ptr<const json::Document> {
    if (uri != "https://example.com/lazy.json") return nullptr;
    ++loads;
    return parse(R"({"type": "integer"})");
  });
  const auto validator = compile(R"({"$id": "https://example.com/main.json", "properties": {
      "id": {"$ref": "common.json#/definitions/Id"}, "n": {"$ref": "lazy.json"}}})", {}, store);
  CHECK(check(validator, R"({"id": "x", "n": 1})").empty());
  const auto violations = check(validator, R"({"id": "", "n": 1})");
  REQUIRE(violations.size() == 1);
  CHECK(violations[0].schema_pointer == "https://example.com/common.json#/definitions/Id/minLength");
  CHECK(loads == 1);
}

TEST_CASE("schema::Validator refuses invalid schemas with an error") {
  SchemaStore store;
  const auto error_of = [&](std::string_view text) {
    auto result = Validator::compile(parse(text), "", store);
    REQUIRE_FALSE(result.has_value());
    return result.error().message;
  };
  const std::string unresolved = error_of(R"({"properties": {"a": {"$ref": "#/definitions/missing"}}})");
  CHECK(unresolved.find("#/definitions/missing") != std::string::npos);
  CHECK(unresolved.find("/properties/a/$ref") != std::string::npos);
  CHECK(error_of(R"({"$ref": "http://nowhere.example/x.json"})").find("http://nowhere.example/x.json") !=
        std::string::npos);
  CHECK(error_of(R"({"$ref": "#"})").find("cycle") != std::string::npos);
  CHECK(error_of(R"({"definitions": {"a": {"$ref": "#/definitions/b"}, "b": {"$ref": "#/definitions/a"}}, "$ref": "#/definitions/a"})")
            .find("cycle") != std::string::npos);
  CHECK(error_of(R"({"type": "strin"})").find("type") != std::string::npos);
  CHECK(error_of(R"({"minLength": -1})").find("minLength") != std::string::npos);
  CHECK(error_of(R"({"pattern": "(unclosed"})").find("(unclosed") != std::string::npos);
  CHECK(error_of(R"({"anyOf": []})").find("anyOf") != std::string::npos);
  CHECK(error_of(R"(42)").find("object or a boolean") != std::string::npos);
}

TEST_CASE("schema::Validator messages stay short") {
  const std::string long_text(500, 'x');
  const auto v = single(R"({"type": "integer"})", "\"" + long_text + "\"");
  CHECK(v.message.size() < 100);
  CHECK(v.message.find("...") != std::string::npos);
  CHECK(single(R"({"properties": {"a/b~c": {"type": "null"}}})", R"({"a/b~c": 1})").instance_pointer == "/a~1b~0c");
}

TEST_CASE("schema::Validator deep instances do not overflow the stack") {
  const auto validator = compile(R"({"items": {"$ref": "#"}})");
  std::string deep(20000, '[');
  deep += std::string(20000, ']');
  const auto document = parse(deep);
  // Deeper than the validator follows: an error, not a verdict.
  const Expected<bool> fast = validator.is_valid(document->root());
  REQUIRE_FALSE(fast.has_value());
  CHECK_THAT(fast.error().message, Catch::Contains("too deeply"));
  const auto violations = validator.validate(document->root());
  REQUIRE_FALSE(violations.has_value());
  CHECK(violations.error().kind == ErrorKind::Config);
  // The 1,024-level limit, or (sanitizer builds: bigger frames) the end of the stack before it.
  CHECK_THAT(violations.error().message,
             Catch::Contains("too deeply") && (Catch::Contains("1024 schema levels") || Catch::Contains("stack ends")));
  // Within the limit, on a normal stack: a plain answer.
  const auto within = parse(std::string(1000, '[') + std::string(1000, ']'));
  CHECK(validator.is_valid(within->root()).value());
}

TEST_CASE("schema::Validator is safe to share between threads") {
  const auto validator = compile(R"({"items": {"type": "string", "pattern": "^[a-z]+$"}})");
  const auto good = parse(R"(["abc", "def", "ghi"])");
  const auto bad = parse(R"(["abc", "DEF"])");
  std::vector<std::thread> threads;
  std::vector<int> failures(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 2000; ++i) {
        if (!validator.is_valid(good->root()).value() || validator.is_valid(bad->root()).value()) ++failures[static_cast<std::size_t>(t)];
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (const int f : failures) CHECK(f == 0);
}

TEST_CASE("schema::Validator draft 2020-12") {
  const auto options = draft2020();
  CHECK(valid(R"({"prefixItems": [{"type": "integer"}], "items": false})", "[1]", options));
  const auto extra = single(R"({"prefixItems": [{"type": "integer"}], "items": false})", "[1, 2]", options);
  CHECK(extra.message == "item 1 is not allowed (items is false; at most 1 item)");
  CHECK(valid(R"({"$defs": {"a": {"$anchor": "A", "type": "integer"}}, "$ref": "#A", "minimum": 1})", "2", options));
  CHECK_FALSE(valid(R"({"$defs": {"a": {"$anchor": "A", "type": "integer"}}, "$ref": "#A", "minimum": 1})", "0", options));
  CHECK(single(R"({"dependentRequired": {"a": ["b"]}})", R"({"a": 1})", options).message ==
        R"(property "a" requires property "b", which is missing)");
  const char* unevaluated = R"({"allOf": [{"properties": {"a": true}}], "properties": {"b": true},
                                "unevaluatedProperties": false})";
  CHECK(valid(unevaluated, R"({"a": 1, "b": 2})", options));
  CHECK(single(unevaluated, R"({"a": 1, "c": 2})", options).message ==
        R"(property "c" is not allowed (unevaluatedProperties is false))");
  CHECK(valid(R"({"contains": {"const": 1}, "minContains": 2})", "[1, 1]", options));
  CHECK_FALSE(valid(R"({"contains": {"const": 1}, "maxContains": 1})", "[1, 1]", options));
}

// Real data: every engine schema compiles, and every reference capture is
// valid against the schema of its command, with and without format checks.
TEST_CASE("schema::Validator engine schemas accept the reference captures") {
  const auto root = test::rocky_reference();
  if (!root) return;
  SchemaStore store;
  std::map<std::string, Validator> plain;
  std::map<std::string, Validator> formats;
  auto schema_files = io::list_json_files(*root / "schemas");
  REQUIRE(schema_files.has_value());
  REQUIRE_FALSE(schema_files->empty());
  for (const auto& file : *schema_files) {
    INFO(file.string());
    auto text = io::read_file(file);
    REQUIRE(text.has_value());
    const auto document = parse(*text);
    std::string name = file.filename().string();
    name = name.substr(0, name.size() - std::string(".schema.json").size());
    auto compiled = Validator::compile(document, "file://" + file.string(), store);
    if (!compiled) FAIL(compiled.error().message);
    auto checked = Validator::compile(document, "file://" + file.string(), store, with_formats());
    if (!checked) FAIL(checked.error().message);
    plain.emplace(name, std::move(compiled).value());
    formats.emplace(name, std::move(checked).value());
  }
  auto captures = io::list_json_files(*root / "fixtures_generated");
  REQUIRE(captures.has_value());
  REQUIRE(captures->size() == 40);
  for (const auto& file : *captures) {
    INFO(file.string());
    auto text = io::read_file(file);
    REQUIRE(text.has_value());
    const auto document = parse(*text);
    const auto command = document->root().find("command");
    REQUIRE(command.has_value());
    std::string name(command->as_string());
    if (name == "lineage" && document->root().find("column")) name = "column_lineage";
    if (name == "history" && document->root().find("model")) name = "model_history";
    INFO("schema " << name);
    REQUIRE(plain.count(name) == 1);
    for (const Validator* validator : {&plain.at(name), &formats.at(name)}) {
      const auto violations = validator->validate(document->root()).value();
      for (const auto& v : violations) INFO(v.instance_pointer << ": " << v.message << " (" << v.schema_pointer << ")");
      CHECK(violations.empty());
      CHECK(validator->is_valid(document->root()).value());
    }
  }
}

TEST_CASE("schema::Validator uniqueItems on large arrays") {
  std::string items = "[";
  for (int i = 0; i < 500; ++i) items += (i ? ", " : "") + std::string("{\"a\": ") + std::to_string(i) + ", \"b\": [" + std::to_string(i) + "]}";
  CHECK(valid(R"({"uniqueItems": true})", items + "]"));
  const auto v = single(R"({"uniqueItems": true})", items + R"(, {"b": [7.0], "a": 7}])");
  CHECK(v.message == R"(expected unique items, found item 500 equal to item 7 ({"a": 7, "b": [7]}))");
  CHECK(valid(R"({"uniqueItems": true})", "[" + std::string("0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, -0.0") + "]") == false);
}

TEST_CASE("schema::Validator pattern over a long capture string is decided (issue 6.2)") {
  // The JIT ran out of its default stack and the error read as "no match".
  const std::string schema = R"({"properties": {"x": {"type": "string", "pattern": "^(a|b)*$"}}})";
  CHECK(valid(schema, R"({"command": "run", "x": ")" + std::string(3'000, 'a') + "\"}"));
  CHECK(valid(schema, R"({"command": "run", "x": ")" + std::string(100'000, 'b') + "\"}"));
  CHECK(single(schema, R"({"x": ")" + std::string(3'000, 'a') + "c\"}").schema_pointer == "/properties/x/pattern");
}

TEST_CASE("schema::Validator a pattern PCRE2 cannot decide is an error, not a violation (issue 6.2)") {
  ValidatorOptions options;
  options.pattern_match_limit = 100'000;
  const Validator validator =
      compile(R"({"properties": {"x": {"patternProperties": {"(a+)+$": true}, "properties": {"y": {"pattern": "(a+)+$"}}}}})",
              options);
  const std::string aaab = std::string(40, 'a') + "b";
  for (const std::string& text : {R"({"x": {"y": ")" + aaab + "\"}}", R"({"x": {")" + aaab + "\": 1}}"}) {
    INFO(text);
    const auto instance = parse(text);
    const Expected<bool> fast = validator.is_valid(instance->root());
    REQUIRE_FALSE(fast.has_value());
    CHECK(fast.error().kind == ErrorKind::Config);
    const Expected<std::vector<Violation>> full = validator.validate(instance->root());
    REQUIRE_FALSE(full.has_value());
    CHECK(full.error().code() == ExitCode::UsageError);
    CHECK_THAT(full.error().message, Catch::Contains("cannot be decided") && Catch::Contains("(a+)+$"));
  }
  // What it can decide, it still answers.
  CHECK(check(validator, R"({"x": {"y": "aaa"}})").empty());
}

TEST_CASE("schema::Validator $dynamicRef resolves through its own anchor (issue 6.3)") {
  // The compiler compared the $dynamicAnchor with a view into a temporary
  // URI string (ASan: heap-use-after-free). Long URIs keep the strings off
  // the small-string buffer, so the sanitizer build sees any such view.
  const std::string strict_tree = R"({
    "$id": "https://example.com/a/path/long/enough/to/leave/the/small/string/buffer/strict-tree.json",
    "$dynamicAnchor": "node", "$ref": "tree.json", "unevaluatedProperties": false,
    "$defs": {"tree": {"$id": "tree.json", "$dynamicAnchor": "node", "type": "object",
      "properties": {"data": true, "children": {"type": "array", "items": {"$dynamicRef": "#node"}}}}}})";
  const auto options = draft2020();
  CHECK(valid(strict_tree, R"({"children": [{"data": 1}]})", options));
  // The misspelt key is caught only when "#node" resolves dynamically to
  // the strict tree (statically it is the lenient tree.json).
  const Violation misspelt = single(strict_tree, R"({"children": [{"daat": 1}]})", options);
  CHECK_THAT(misspelt.instance_pointer, Catch::StartsWith("/children/0"));
  CHECK_THAT(misspelt.message, Catch::Contains("\"daat\" is not allowed"));
}

TEST_CASE("schema::Validator huge counts and pointer indices do not wrap around (issue 6.6)") {
  // minLength * 4 wrapped to 0 for 2^62: the empty string was accepted.
  const std::string min_length = R"({"minLength": 4611686018427387904})";
  CHECK_THAT(single(min_length, R"("")").message, Catch::Contains("expected at least 4611686018427387904 characters"));
  CHECK_FALSE(valid(min_length, R"("abcdefgh")"));
  CHECK(valid(R"({"maxLength": 4611686018427387904})", R"("abc")"));
  CHECK(valid(R"({"minItems": 9223372036854775807, "maxItems": 9223372036854775807})", "[]") == false);

  SchemaStore store;
  const auto error_of = [&](std::string_view text) {
    auto result = Validator::compile(parse(text), "", store);
    REQUIRE_FALSE(result.has_value());
    return result.error().message;
  };
  // Beyond 64 bits: refused, naming where (it is not "no limit").
  CHECK_THAT(error_of(R"({"properties": {"x": {"minLength": 18446744073709551616}}})"),
             Catch::Contains("/properties/x/minLength") && Catch::Contains("2^63"));
  // 2^64 as an array index wrapped around to element 0.
  const std::string wrapped = error_of(R"({"definitions": {"arr": [{"type": "string"}]},
                                          "properties": {"x": {"$ref": "#/definitions/arr/18446744073709551616"}}})");
  CHECK_THAT(wrapped, Catch::Contains("points at nothing") && Catch::Contains("/properties/x/$ref"));
  CHECK_THAT(error_of(R"({"definitions": {"arr": [{"type": "string"}]}, "$ref": "#/definitions/arr/1"})"),
             Catch::Contains("points at nothing"));
  CHECK(valid(R"({"definitions": {"arr": [{"type": "string"}]}, "$ref": "#/definitions/arr/0"})", R"("x")"));
}

namespace {

// Runs `job` on a thread with a stack of `bytes`, as under `ulimit -s`.
void on_small_stack(std::size_t bytes, const std::function<void()>& job) {
  pthread_attr_t attributes;
  REQUIRE(pthread_attr_init(&attributes) == 0);
  REQUIRE(pthread_attr_setstacksize(&attributes, bytes) == 0);
  pthread_t thread;
  const auto entry = [](void* argument) -> void* {
    (*static_cast<const std::function<void()>*>(argument))();
    return nullptr;
  };
  REQUIRE(pthread_create(&thread, &attributes, entry, const_cast<std::function<void()>*>(&job)) == 0);
  pthread_attr_destroy(&attributes);
  REQUIRE(pthread_join(thread, nullptr) == 0);
}

}  // namespace

TEST_CASE("schema::Validator deep instances on a small stack are an error, not a crash (issue 6.5)") {
  // About 1 KiB of stack per level: 1,030 levels overflowed a 1 MiB stack
  // (ulimit -s 1024) before the 1,024-level limit was reached.
  const auto validator = compile(R"({"items": {"$ref": "#"}, "properties": {"a": {"$ref": "#"}}})");
  const auto arrays = parse(std::string(1030, '[') + std::string(1030, ']'));
  std::string objects;
  for (int i = 0; i < 1030; ++i) objects += R"({"a": )";
  objects += "1" + std::string(1030, '}');
  const auto nested_objects = parse(objects);
  std::vector<std::string> errors;
  on_small_stack(1024 * 1024, [&] {
    for (const json::Value root : {arrays->root(), nested_objects->root()}) {
      const Expected<bool> fast = validator.is_valid(root);
      const auto full = validator.validate(root);
      errors.push_back(fast ? std::string("no error") : fast.error().message);
      errors.push_back(full ? std::string("no error") : full.error().message);
    }
  });
  REQUIRE(errors.size() == 4);
  for (const std::string& error : errors) CHECK_THAT(error, Catch::Contains("nests too deeply"));
}

TEST_CASE("schema::Validator uniqueItems over deep arrays does not recurse (issue 6.5)") {
  // json_equal recursed: two 49,000-deep arrays (inside the reader's
  // 50,000 limit) overflowed the stack.
  const std::string deep = std::string(49'000, '[') + std::string(49'000, ']');
  const auto document = parse("[" + deep + ", " + deep + "]");
  const Violation duplicate = single(R"({"uniqueItems": true})", "[" + deep + ", " + deep + "]");
  CHECK_THAT(duplicate.message, Catch::Contains("item 1 equal to item 0"));
  CHECK(json::json_equal(document->root(), document->root()));
  const auto other = parse("[" + deep + ", " + std::string(49'000, '[') + "1" + std::string(49'000, ']') + "]");
  CHECK(valid(R"({"uniqueItems": true})", "[" + deep + ", " + std::string(49'000, '[') + "1" + std::string(49'000, ']') + "]"));
  CHECK_FALSE(json::json_equal(document->root(), other->root()));
}

TEST_CASE("schema::Validator honours $schema (issue 6.16)") {
  // Compiled with the default draft (07), a 2020-12 schema is still read as
  // 2020-12: prefixItems/items rather than items/additionalItems.
  const std::string tuple = R"({"prefixItems": [{"type": "integer"}], "items": false})";
  CHECK_FALSE(valid(tuple, "[1]"));  // draft-07: `items: false` allows no item at all
  for (const std::string_view uri : {"https://json-schema.org/draft/2020-12/schema",
                                     "https://json-schema.org/draft/2020-12/schema#"}) {
    INFO(uri);
    const std::string declared = R"({"$schema": ")" + std::string(uri) + R"(", "prefixItems": [{"type": "integer"}], "items": false})";
    CHECK(valid(declared, "[1]"));
    CHECK_FALSE(valid(declared, R"(["a string"])"));
    CHECK(single(declared, "[1, 2]").message == "item 1 is not allowed (items is false; at most 1 item)");
  }
  // draft-07, with or without '#', even when the caller asked for 2020-12.
  for (const std::string_view uri : {"http://json-schema.org/draft-07/schema#", "http://json-schema.org/draft-07/schema"}) {
    const std::string declared = R"({"$schema": ")" + std::string(uri) + R"(", "items": [{"type": "integer"}], "additionalItems": false})";
    CHECK(single(declared, "[1, 2]", draft2020()).schema_pointer == "/additionalItems");
  }
  // Anything else is a config error naming the schema.
  SchemaStore store;
  const auto unknown = Validator::compile(parse(R"({"$schema": "http://json-schema.org/draft-04/schema#"})"),
                                          "file:///schemas/run.schema.json", store);
  REQUIRE_FALSE(unknown.has_value());
  CHECK(unknown.error().kind == ErrorKind::Config);
  CHECK_THAT(unknown.error().message, Catch::Contains("draft-04") && Catch::Contains("file:///schemas/run.schema.json"));
  CHECK_FALSE(Validator::compile(parse(R"({"$schema": 7})"), "x.json", store).has_value());
}

TEST_CASE("schema::Violation kind names the rule that was broken") {
  using schema::ViolationKind;
  const auto kind_of = [](std::string_view schema_text, std::string_view instance, const ValidatorOptions& options = {}) {
    return single(schema_text, instance, options).kind;
  };
  CHECK(kind_of(R"({"type": "string"})", "1") == ViolationKind::Type);
  CHECK(kind_of(R"({"required": ["a"]})", "{}") == ViolationKind::Required);
  CHECK(kind_of(R"({"additionalProperties": false})", R"({"a": 1})") == ViolationKind::AdditionalProperty);
  CHECK(kind_of(R"({"properties": {"a": false}})", R"({"a": 1})") == ViolationKind::FalseSchema);
  CHECK(kind_of(R"({"enum": [1, 2]})", "3") == ViolationKind::Enum);
  CHECK(kind_of(R"({"const": 1})", "3") == ViolationKind::Const);
  CHECK(kind_of(R"({"pattern": "^a"})", R"("b")") == ViolationKind::Pattern);
  CHECK(kind_of(R"({"minimum": 1})", "0") == ViolationKind::Minimum);
  CHECK(kind_of(R"({"maxLength": 1})", R"("ab")") == ViolationKind::MaxLength);
  CHECK(kind_of(R"({"items": [true], "additionalItems": false})", "[1, 2]") == ViolationKind::AdditionalItems);
  CHECK(kind_of(R"({"uniqueItems": true})", "[1, 1]") == ViolationKind::UniqueItems);
  CHECK(kind_of(R"({"propertyNames": {"maxLength": 1}})", R"({"ab": 1})") == ViolationKind::PropertyName);
  CHECK(kind_of(R"({"unevaluatedProperties": false})", R"({"a": 1})", draft2020()) == ViolationKind::UnevaluatedProperty);
  CHECK(schema::kind_name(ViolationKind::AdditionalProperty) == "additional_property");
  CHECK(schema::kind_name(ViolationKind::Type) == "type");
}
