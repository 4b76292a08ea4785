// The tape document: accessors, iteration, emit, equality, and depth.

#include "json_test_support.hpp"

#include <fixturegen/json/document.hpp>
#include <fixturegen/json/python_writer.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <type_traits>
#include <vector>

using namespace fixturegen;

namespace {

json::Document parse(std::string_view text) {
  json::Document doc;
  const auto error = json::Document::parse(text, doc);
  INFO("input: " << text);
  REQUIRE_FALSE(error.has_value());
  REQUIRE_FALSE(doc.empty());
  return doc;
}

}  // namespace

TEST_CASE("json::Document kinds and scalar accessors") {
  const json::Document doc = parse(
      R"({"n": null, "t": true, "f": false, "i": -42, "big": 123456789012345678901234567890,
          "x": 2.5, "s": "caf\u00e9", "a": [1, "two", [3]], "o": {"k": "v"}, "e": [], "eo": {}})");
  const json::Value root = doc.root();
  REQUIRE(root.is_object());
  CHECK(root.kind() == json::Kind::Object);
  CHECK(root.size() == 11);

  CHECK(root.find("n")->is_null());
  CHECK(root.find("t")->is_bool());
  CHECK(root.find("t")->as_bool());
  CHECK_FALSE(root.find("f")->as_bool());
  // Booleans are not numbers.
  CHECK_FALSE(root.find("t")->is_number());

  const json::Value i = *root.find("i");
  CHECK(i.is_integer());
  CHECK(i.is_number());
  CHECK_FALSE(i.is_float());
  CHECK(i.fits_int64());
  CHECK(i.as_int() == -42);
  CHECK(i.integer_text() == "-42");
  CHECK(i.as_double() == -42.0);

  const json::Value big = *root.find("big");
  CHECK(big.is_integer());
  CHECK_FALSE(big.fits_int64());
  CHECK(big.integer_text() == "123456789012345678901234567890");
  CHECK(big.as_double() == 1.2345678901234568e29);

  const json::Value x = *root.find("x");
  CHECK(x.is_float());
  CHECK(x.is_number());
  CHECK(x.as_double() == 2.5);

  CHECK(root.find("s")->as_string() == "caf\xC3\xA9");
  CHECK_FALSE(root.find("missing").has_value());
  // Scalars have no size, members or elements.
  CHECK(i.size() == 0);
  CHECK(i.members().begin() == i.members().end());
  CHECK(i.elements().begin() == i.elements().end());
  CHECK(root.find("e")->size() == 0);
  CHECK(root.find("eo")->size() == 0);
  CHECK(root.find("e")->is_array());
  CHECK(root.find("eo")->is_object());
  CHECK(doc.memory_bytes() > 0);
}

TEST_CASE("json::Document iterates members in order and elements by sibling") {
  const json::Document doc = parse(R"({"z": 1, "a": [10, [20, 21], {"x": [30]}, 40], "m": {"deep": {"er": 1}}, "b": 2})");
  std::vector<std::string> keys;
  for (const auto& member : doc.root().members()) keys.emplace_back(member.key);
  // Document order, not sorted.
  CHECK(keys == std::vector<std::string>{"z", "a", "m", "b"});

  const json::Value a = *doc.root().find("a");
  CHECK(a.size() == 4);
  std::vector<json::Kind> kinds;
  for (const json::Value element : a.elements()) kinds.push_back(element.kind());
  CHECK(kinds == std::vector<json::Kind>{json::Kind::Integer, json::Kind::Array, json::Kind::Object, json::Kind::Integer});
  auto it = a.elements().begin();
  ++it;
  ++it;
  ++it;
  CHECK((*it).as_int() == 40);
  CHECK(doc.root().find("b")->as_int() == 2);
  CHECK(doc.root().find("m")->find("deep")->find("er")->as_int() == 1);
  // A Value knows its document.
  CHECK(a.document() == &doc);
}

TEST_CASE("json::kind_name") {
  CHECK(json::kind_name(json::Kind::Null) == "null");
  CHECK(json::kind_name(json::Kind::Bool) == "boolean");
  CHECK(json::kind_name(json::Kind::Integer) == "integer");
  CHECK(json::kind_name(json::Kind::Float) == "number");
  CHECK(json::kind_name(json::Kind::String) == "string");
  CHECK(json::kind_name(json::Kind::Array) == "array");
  CHECK(json::kind_name(json::Kind::Object) == "object");
}

TEST_CASE("json::Document::parse refuses like the reader and leaves the document empty") {
  json::Document doc = parse("[1]");
  const auto error = json::Document::parse(R"({"a": 1, "a": 2})", doc);
  REQUIRE(error.has_value());
  CHECK_THAT(error->message, Catch::Contains("duplicate key \"a\""));
  CHECK(doc.empty());
  CHECK(json::Document::parse("", doc).has_value());
  CHECK(json::Document::parse("NaN", doc).has_value());
}

TEST_CASE("json::emit replays a value, or a subtree, as events") {
  const std::string text =
      R"({"a": [1, -0, 2.5, "s", null, true, {"b": []}], "big": -99999999999999999999, "c": {}})";
  const json::Document doc = parse(text);
  test::EventRecorder from_emit;
  REQUIRE(json::emit(doc.root(), from_emit));
  CHECK(from_emit.events == test::record(text));

  test::EventRecorder subtree;
  REQUIRE(json::emit(*doc.root().find("a"), subtree));
  CHECK(subtree.events == std::vector<std::string>{"[", "i:1", "i:0", "f:2.5", "s:s", "null", "true", "{", "k:b", "[", "]", "}", "]"});

  // A handler that stops makes emit return false.
  test::EventRecorder stopping;
  stopping.stop_at = 2;
  CHECK_FALSE(json::emit(doc.root(), stopping));
  CHECK(stopping.events.size() == 2);

  // A DocumentBuilder fed by emit rebuilds an equal document.
  json::DocumentBuilder builder;
  REQUIRE(json::emit(doc.root(), builder));
  const json::Document copy = builder.take();
  CHECK(json::to_python_json(copy.root()) == json::to_python_json(doc.root()));
  CHECK(json::json_equal(copy.root(), doc.root()));
  // take() resets the builder for reuse.
  builder.begin_array();
  builder.integer_value("7", 7, true);
  builder.end_array();
  CHECK(json::to_python_json(builder.take().root()) == "[\n  7\n]\n");
}

TEST_CASE("json::json_equal") {
  auto equal = [](std::string_view a, std::string_view b) {
    const json::Document da = parse(a);
    const json::Document db = parse(b);
    const bool forward = json::json_equal(da.root(), db.root());
    CHECK(forward == json::json_equal(db.root(), da.root()));
    return forward;
  };
  CHECK(equal("1", "1.0"));
  CHECK(equal("0", "-0.0"));
  CHECK(equal("100", "1e2"));
  CHECK_FALSE(equal("1", "2"));
  CHECK_FALSE(equal("1", "true"));
  CHECK_FALSE(equal("0", "false"));
  CHECK_FALSE(equal("null", "false"));
  CHECK(equal("123456789012345678901234567890", "123456789012345678901234567890"));
  CHECK_FALSE(equal("123456789012345678901234567890", "123456789012345678901234567891"));
  CHECK(equal(R"("a")", R"("\u0061")"));
  CHECK_FALSE(equal(R"("a")", R"("b")"));
  CHECK(equal(R"({"a": 1, "b": [1, 2]})", R"({"b": [1, 2.0], "a": 1})"));
  CHECK_FALSE(equal(R"({"a": 1, "b": 2})", R"({"a": 1, "c": 2})"));
  CHECK_FALSE(equal(R"({"a": 1})", R"({"a": 1, "b": 2})"));
  CHECK_FALSE(equal("[1, 2]", "[2, 1]"));
  CHECK_FALSE(equal("[1, 2]", "[1, 2, 3]"));
  CHECK(equal("[]", "[]"));
  CHECK_FALSE(equal("[]", "{}"));
}

TEST_CASE("json::Document deep nesting: a clear refusal or a correct result, never a crash") {
  const std::size_t depth = 100'000;
  std::string arrays = std::string(depth, '[') + std::string(depth, ']');
  std::string objects;
  for (std::size_t i = 0; i < depth; ++i) objects += "{\"a\":";
  objects += "1";
  objects += std::string(depth, '}');

  for (const std::string* text : {&arrays, &objects}) {
    json::Document doc;
    const auto error = json::Document::parse(*text, doc);
    // Python's own json refuses such depth (RecursionError), and written
    // back with indent=2 it would be ~20 GB of indentation: the only good
    // answer is a clear refusal by default.
    REQUIRE(error.has_value());
    CHECK_THAT(error->message, Catch::Contains("nesting deeper than"));
    CHECK(error->line == 1);
    CHECK(doc.empty());
  }

  // The tape itself has no recursion: with the limit lifted, a deep
  // document parses and replays every event.
  json::ReaderOptions options;
  options.max_depth = depth + 1;
  for (const std::string* text : {&arrays, &objects}) {
    json::Document doc;
    REQUIRE_FALSE(json::Document::parse(*text, doc, options).has_value());
    test::DepthCounter counter;
    REQUIRE(json::emit(doc.root(), counter));
    CHECK(counter.max_depth == depth);
    CHECK(counter.depth == 0);
  }

  // Moderate depth round-trips through the writer exactly.
  const std::size_t moderate = 1000;
  const std::string text = std::string(moderate, '[') + std::string(moderate, ']');
  CHECK(test::python_json(text) == test::python_nested_arrays(moderate));
}

TEST_CASE("json::Value::integer_text owns its digits (issue 6.7)") {
  json::Document document;
  REQUIRE_FALSE(json::Document::parse("[1, -22, 333, 123456789012345678901234567890]", document).has_value());
  std::vector<json::Value> items(document.root().elements().begin(), document.root().elements().end());
  // Texts alive at the same time are each their own (they used to be views
  // into one per-thread buffer: every one showed the last integer formatted).
  const auto first = items[0].integer_text();
  const auto second = items[1].integer_text();
  const auto third = items[2].integer_text();
  const auto big = items[3].integer_text();
  CHECK(first == "1");
  CHECK(second == "-22");
  CHECK(third == "333");
  CHECK(big == "123456789012345678901234567890");
  // A copy shows its own digits, and no view can be taken from a temporary.
  const auto copy = second;
  CHECK(copy.view() == "-22");
  static_assert(!std::is_convertible_v<json::IntegerText&&, std::string_view>);
  static_assert(std::is_convertible_v<const json::IntegerText&, std::string_view>);
}

TEST_CASE("json::json_hash and find_equal_items agree with json_equal") {
  json::Document document;
  REQUIRE_FALSE(json::Document::parse(R"([{"a": 1, "b": [1.0, "x"]}, {"b": [1, "x"], "a": 1.0}, {"a": 2}, 0, -0.0])",
                                      document)
                    .has_value());
  std::vector<json::Value> items(document.root().elements().begin(), document.root().elements().end());
  CHECK(json::json_equal(items[0], items[1]));
  CHECK(json::json_hash(items[0]) == json::json_hash(items[1]));  // member order and 1 == 1.0
  CHECK(json::json_hash(items[3]) == json::json_hash(items[4]));  // 0 == -0.0
  CHECK(json::json_hash(items[0]) != json::json_hash(items[2]));
  CHECK(json::find_equal_items(document.root()) == std::pair<std::size_t, std::size_t>(0, 1));
  // Past the all-pairs size, through the hashes: the pair with the smallest second index.
  std::string big = "[";
  for (int i = 0; i < 40; ++i) big += std::to_string(i) + ", ";
  json::Document large;
  REQUIRE_FALSE(json::Document::parse(big + "{\"k\": 7}, 39.0, 5, {\"k\": 7}]", large).has_value());
  CHECK(json::find_equal_items(large.root()) == std::pair<std::size_t, std::size_t>(39, 41));
  json::Document unique;
  REQUIRE_FALSE(json::Document::parse(big + "40]", unique).has_value());
  CHECK_FALSE(json::find_equal_items(unique.root()).has_value());
}
