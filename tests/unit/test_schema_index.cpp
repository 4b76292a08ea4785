// The $id/anchor index and $ref resolution, apart from code generation.

#include <fixturegen/json/document.hpp>
#include <fixturegen/json/python_writer.hpp>
#include <fixturegen/schema/schema_index.hpp>

#include <catch2/catch.hpp>

#include <memory>
#include <string>

using namespace fixturegen;
using schema::Draft;
using schema::SchemaIndex;
using schema::SchemaLocation;
using schema::SchemaStore;

namespace {

std::shared_ptr<const json::Document> parse(std::string_view text) {
  auto document = std::make_shared<json::Document>();
  INFO(std::string(text));
  REQUIRE_FALSE(json::Document::parse(text, *document).has_value());
  return document;
}

// The JSON text of the node `reference` resolves to, from the root.
std::string resolved(SchemaIndex& index, std::uint32_t doc, std::string_view reference) {
  const Expected<SchemaLocation> target = index.resolve(index.root(doc), "$ref", reference);
  if (!target) FAIL("resolve failed: " << target.error().message);
  std::string text = json::to_python_json(target->node);
  if (!text.empty() && text.back() == '\n') text.pop_back();
  return text;
}

}  // namespace

TEST_CASE("schema::SchemaIndex resolves pointers, ids and anchors (draft-07)") {
  SchemaStore store;
  SchemaIndex index(store, Draft::Draft7);
  const auto doc = index.add_document(parse(R"({
    "$id": "https://example.com/root.json",
    "definitions": {
      "a": {"type": "integer"},
      "arr": [{"type": "string"}, {"type": "null"}],
      "named": {"$id": "#named", "type": "boolean"},
      "nested": {"$id": "nested/inner.json", "definitions": {"x": {"const": 1}}}
    }})"),
                                      "https://example.com/root.json", true);
  REQUIRE(doc);
  CHECK(index.base_uri(index.root(*doc).base) == "https://example.com/root.json");
  CHECK(resolved(index, *doc, "#/definitions/a") == "{\n  \"type\": \"integer\"\n}");
  CHECK(resolved(index, *doc, "#/definitions/arr/1") == "{\n  \"type\": \"null\"\n}");
  CHECK(resolved(index, *doc, "#named") == "{\n  \"$id\": \"#named\",\n  \"type\": \"boolean\"\n}");
  CHECK(resolved(index, *doc, "nested/inner.json#/definitions/x") == "{\n  \"const\": 1\n}");
  CHECK(resolved(index, *doc, "https://example.com/nested/inner.json#/definitions/x") == "{\n  \"const\": 1\n}");

  // A subschema under an $id has that base.
  const SchemaLocation nested = index.resolve(index.root(*doc), "$ref", "#/definitions/nested").value();
  CHECK(index.base_uri(nested.base) == "https://example.com/nested/inner.json");
  const json::Value x = *nested.node.find("definitions")->find("x");
  CHECK(index.base_uri(index.child(nested, x).base) == "https://example.com/nested/inner.json");
}

TEST_CASE("schema::SchemaIndex anchors and dynamic anchors (2020-12)") {
  SchemaStore store;
  SchemaIndex index(store, Draft::Draft2020_12);
  const auto doc = index.add_document(parse(R"({"$id": "https://example.com/tree.json", "$dynamicAnchor": "node",
    "$defs": {"leaf": {"$anchor": "leaf", "type": "string"}}})"),
                                      "https://example.com/tree.json", true);
  REQUIRE(doc);
  CHECK(resolved(index, *doc, "#leaf") == "{\n  \"$anchor\": \"leaf\",\n  \"type\": \"string\"\n}");
  const auto& anchors = index.dynamic_anchors("https://example.com/tree.json");
  REQUIRE(anchors.size() == 1);
  CHECK(anchors[0].first == "node");
  CHECK(index.dynamic_anchors("https://example.com/other.json").empty());
}

TEST_CASE("schema::SchemaIndex loads remote documents from the store, once") {
  SchemaStore store;
  int loads = 0;
  store.set_loader([&](std::string_view uri) -> std::shared_ptr<const json::Document> {
    ++loads;
    if (uri != "https://example.com/common.json") return nullptr;
    return parse(R"({"definitions": {"id": {"type": "string", "minLength": 1}}})");
  });
  SchemaIndex index(store, Draft::Draft7);
  const auto doc = index.add_document(parse(R"({"$ref": "common.json#/definitions/id"})"),
                                      "https://example.com/main.json", true);
  REQUIRE(doc);
  CHECK(resolved(index, *doc, "common.json#/definitions/id") == "{\n  \"type\": \"string\",\n  \"minLength\": 1\n}");
  CHECK(resolved(index, *doc, "https://example.com/common.json#/definitions/id").size() > 0);
  CHECK(loads == 1);
  REQUIRE(index.document_count() == 2);
  CHECK(index.pointer_prefix(0).empty());
  CHECK(index.pointer_prefix(1) == "https://example.com/common.json#");
}

TEST_CASE("schema::SchemaIndex says why a reference does not resolve") {
  SchemaStore store;
  SchemaIndex index(store, Draft::Draft7);
  const auto doc = index.add_document(parse(R"({"definitions": {"arr": [true]}, "properties": {"p": {}}})"), "", true);
  REQUIRE(doc);
  const json::Value p = *index.root(*doc).node.find("properties")->find("p");
  const auto error_of = [&](std::string_view reference) {
    const Expected<SchemaLocation> target = index.resolve(index.child(index.root(*doc), p), "$ref", reference);
    REQUIRE_FALSE(target.has_value());
    CHECK(target.error().kind == ErrorKind::Config);
    return target.error().message;
  };
  CHECK_THAT(error_of("#/definitions/missing"), Catch::Contains("points at nothing") && Catch::Contains("/properties/p/$ref"));
  CHECK_THAT(error_of("#/definitions/arr/1"), Catch::Contains("points at nothing"));
  CHECK_THAT(error_of("#/definitions/arr/01"), Catch::Contains("points at nothing"));
  // 2^64 wrapped around to element 0 (issue 6.6).
  CHECK_THAT(error_of("#/definitions/arr/18446744073709551616"), Catch::Contains("points at nothing"));
  CHECK_THAT(error_of("#nowhere"), Catch::Contains("no anchor \"nowhere\""));
  CHECK_THAT(error_of("http://nowhere.example/x.json"), Catch::Contains("no schema is known as \"http://nowhere.example/x.json\""));
  CHECK_THAT(error_of("#/definitions/%zz"), Catch::Contains("bad %-escape"));
  CHECK(resolved(index, *doc, "#/definitions/arr/0") == "true");
}

TEST_CASE("schema::SchemaIndex refuses schemas nested too deeply") {
  std::string deep;
  for (int i = 0; i < 600; ++i) deep += R"({"not": )";
  deep += "true" + std::string(600, '}');
  SchemaStore store;
  SchemaIndex index(store, Draft::Draft7);
  const auto doc = index.add_document(parse(deep), "", true);
  REQUIRE_FALSE(doc.has_value());
  CHECK_THAT(doc.error().message, Catch::Contains("deeper than 512 levels"));
}
