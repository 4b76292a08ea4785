#include <fixturegen/json/document.hpp>
#include <fixturegen/json/source_position.hpp>

#include <catch2/catch.hpp>

#include <optional>
#include <string>
#include <vector>

using fixturegen::json::find_value_positions;
using fixturegen::json::position_at_offset;
using fixturegen::json::SourcePosition;

namespace {

// The position of one pointer, as "LINE:COLUMN", or "none".
std::string where(std::string_view text, const std::string& pointer) {
  const auto positions = find_value_positions(text, {pointer});
  REQUIRE(positions.size() == 1);
  if (!positions[0]) return "none";
  // The offset agrees with the line and column, and names the value's first byte.
  CHECK(position_at_offset(text, positions[0]->offset) == *positions[0]);
  return std::to_string(positions[0]->line) + ":" + std::to_string(positions[0]->column);
}

}  // namespace

TEST_CASE("json::find_value_positions walks nested objects and arrays") {
  const std::string text =
      "{\n"
      "  \"a\": {\n"
      "    \"b\": [10, [20, 21], {\"c\": null}]\n"
      "  },\n"
      "  \"d\": \"x\"\n"
      "}\n";
  CHECK(where(text, "") == "1:1");
  CHECK(where(text, "/a") == "2:8");
  CHECK(where(text, "/a/b") == "3:10");
  CHECK(where(text, "/a/b/0") == "3:11");
  CHECK(where(text, "/a/b/1") == "3:15");
  CHECK(where(text, "/a/b/1/1") == "3:20");
  CHECK(where(text, "/a/b/2/c") == "3:31");
  CHECK(where(text, "/d") == "5:8");
  // Pointers that name nothing.
  CHECK(where(text, "/a/b/3") == "none");
  CHECK(where(text, "/a/x") == "none");
  CHECK(where(text, "/d/0") == "none");
  CHECK(where(text, "a") == "none");  // not a pointer
}

TEST_CASE("json::find_value_positions answers many pointers in one call, in the order given") {
  const std::string text = R"({"x": [1, 2, 3], "y": {"z": true}, "w": [[], {}]})";
  const std::vector<std::string> pointers{"/y/z", "/x/2", "/missing", "/x/2", "/w/1", "/w/0", ""};
  const auto positions = find_value_positions(text, pointers);
  REQUIRE(positions.size() == pointers.size());
  REQUIRE(positions[0]);
  CHECK(positions[0]->column == 29);
  REQUIRE(positions[1]);
  CHECK(positions[1]->column == 14);
  CHECK_FALSE(positions[2]);
  REQUIRE(positions[3]);  // the same pointer twice: both answered
  CHECK(positions[3]->column == 14);
  REQUIRE(positions[4]);
  CHECK(positions[4]->column == 46);
  REQUIRE(positions[5]);
  CHECK(positions[5]->column == 42);
  REQUIRE(positions[6]);
  CHECK(positions[6]->column == 1);
  CHECK(find_value_positions(text, {}).empty());
}

TEST_CASE("json::find_value_positions matches keys after decoding their escapes") {
  // Keys with "/" and "~" (escaped ~1 and ~0 in pointers), JSON escapes,
  // \u escapes (a surrogate pair too), and strings holding brackets, quotes
  // and commas that must not be taken for structure.
  const std::string text =
      R"({"s": "}],[{\"", "a/b": 1, "m~n": 2, "q\"t": 3, "\u00e9t\u00e9": 4, "\ud83d\ude00": 5, "k\\": [6]})";
  CHECK(where(text, "/s") == "1:7");
  CHECK(where(text, "/a~1b") == "1:25");
  CHECK(where(text, "/m~0n") == "1:35");
  CHECK(where(text, "/q\"t") == "1:46");
  CHECK(where(text, "/\xc3\xa9t\xc3\xa9") == "1:66");  // "été"
  CHECK(where(text, "/\xf0\x9f\x98\x80") == "1:85");   // U+1F600
  CHECK(where(text, "/k\\/0") == "1:96");
  CHECK(where(text, "/a/b") == "none");  // "/" in a key is ~1, never a separator
}

TEST_CASE("json::find_value_positions counts columns in code points, not bytes") {
  // "é" is two bytes, "€" three, "😀" four: each is one column.
  const std::string text = "{\"\xc3\xa9\": 1,\n \"k\": [\"\xe2\x82\xac\xf0\x9f\x98\x80\", 2]}";
  CHECK(where(text, "/\xc3\xa9") == "1:7");
  CHECK(where(text, "/k/0") == "2:8");
  CHECK(where(text, "/k/1") == "2:14");  // bytes would say 19
  const auto positions = find_value_positions(text, {"/k/1"});
  REQUIRE(positions[0]);
  CHECK(positions[0]->offset == text.find("2]"));
  // Lines break at \n only; a \r before it is a column like any other.
  const std::string crlf = "{\r\n  \"a\": 1\r\n}";
  CHECK(where(crlf, "/a") == "2:8");
}

TEST_CASE("json::find_value_positions agrees with the parser on every value of a document") {
  const std::string text =
      "[\n  {\"id\": 1, \"tags\": [\"x\", \"y\"], \"meta\": {\"\xc3\xbc\": {\"deep\": [null, false, -1.5e3]}}},\n"
      "  {\"id\": 2, \"tags\": [], \"meta\": {}}\n]";
  fixturegen::json::Document document;
  REQUIRE_FALSE(fixturegen::json::Document::parse(text, document));
  // Every pointer the document has (built from the parsed tape) is found,
  // and the byte there starts a value of the right kind.
  std::vector<std::string> pointers;
  std::vector<fixturegen::json::Kind> kinds;
  std::vector<std::pair<fixturegen::json::Value, std::string>> todo{{document.root(), ""}};
  while (!todo.empty()) {
    auto [value, pointer] = todo.back();
    todo.pop_back();
    pointers.push_back(pointer);
    kinds.push_back(value.kind());
    if (value.is_array()) {
      std::size_t i = 0;
      for (auto element : value.elements()) todo.emplace_back(element, pointer + "/" + std::to_string(i++));
    } else if (value.is_object()) {
      for (auto member : value.members()) todo.emplace_back(member.value, pointer + "/" + std::string(member.key));
    }
  }
  CHECK(pointers.size() == 16);
  const auto positions = find_value_positions(text, pointers);
  for (std::size_t i = 0; i < pointers.size(); ++i) {
    INFO(pointers[i]);
    REQUIRE(positions[i]);
    const char first = text[positions[i]->offset];
    switch (kinds[i]) {
      case fixturegen::json::Kind::Object: CHECK(first == '{'); break;
      case fixturegen::json::Kind::Array: CHECK(first == '['); break;
      case fixturegen::json::Kind::String: CHECK(first == '"'); break;
      case fixturegen::json::Kind::Null: CHECK(first == 'n'); break;
      case fixturegen::json::Kind::Bool: CHECK((first == 't' || first == 'f')); break;
      default: CHECK((first == '-' || (first >= '0' && first <= '9'))); break;
    }
  }
}

TEST_CASE("json::find_value_positions never reads past a text that is not JSON") {
  // The walk stops where the text stops being JSON: values before that
  // point are still found (the value's start is all a report needs), none
  // after it, and nothing is read beyond the end.
  const std::vector<std::pair<std::string, bool>> broken{
      {"", false},          {"{", false},           {"{\"a\"", false}, {"{\"a\":", false},
      {"]", false},         {"{\"a\" 1}", false},    {"{\"\\u12\": 1}", false}, {"\"\\", false},
      {"{\"a\": \"unterminated", true}, {"{\"a\": 1,,}", true}};
  for (const auto& [text, reaches_a] : broken) {
    INFO(text);
    const auto positions = find_value_positions(text, {"/a", "/a/b", "/b"});
    CHECK(positions[0].has_value() == reaches_a);
    if (positions[0]) CHECK(positions[0]->offset < text.size());
    CHECK_FALSE(positions[1]);
    CHECK_FALSE(positions[2]);
  }
  const auto unclosed = find_value_positions("[[[[", {"/0/0/0", "/0/0/0/0"});
  REQUIRE(unclosed[0]);
  CHECK(unclosed[0]->column == 4);
  CHECK_FALSE(unclosed[1]);
  // Deep nesting is walked without recursion.
  const std::string deep = std::string(100000, '[') + "7" + std::string(100000, ']');
  std::string pointer;
  for (int i = 0; i < 100000; ++i) pointer += "/0";
  const auto positions = find_value_positions(deep, {pointer});
  REQUIRE(positions[0]);
  CHECK(positions[0]->column == 100001);
}

TEST_CASE("json::position_at_offset counts lines and code points up to the offset") {
  const std::string text = "ab\n\xc3\xa9x\n";
  CHECK(position_at_offset(text, 0) == SourcePosition{1, 1, 0});
  CHECK(position_at_offset(text, 2) == SourcePosition{1, 3, 2});
  CHECK(position_at_offset(text, 3) == SourcePosition{2, 1, 3});
  CHECK(position_at_offset(text, 5) == SourcePosition{2, 2, 5});  // after the two bytes of "é"
  CHECK(position_at_offset(text, 99) == SourcePosition{3, 1, 7});  // clamped to the end
}
