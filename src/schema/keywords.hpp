#pragma once

// The keyword table of the schema compiler: which keywords it reads (each
// named by a literal checked at compile time), and, per draft, which of
// them hold subschemas (what the index walks into).

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace fixturegen::schema {

// The keywords compile_body reads. A schema object's members are sorted
// into this table once (Compiler::load_keywords) instead of being searched
// for each of them in turn.
inline constexpr std::string_view kKeywords[] = {
    "type", "enum", "const", "multipleOf", "minimum", "maximum", "exclusiveMinimum",
    "exclusiveMaximum", "minLength", "maxLength", "pattern", "format", "items",
    "additionalItems", "prefixItems", "minItems", "maxItems", "uniqueItems", "contains",
    "minContains", "maxContains", "properties", "patternProperties", "additionalProperties",
    "required", "minProperties", "maxProperties", "dependencies", "dependentRequired",
    "dependentSchemas", "propertyNames", "$ref", "$dynamicRef", "allOf", "anyOf", "oneOf",
    "not", "if", "then", "else", "unevaluatedItems", "unevaluatedProperties",
    // Only where subschemas are found (index_node).
    "definitions", "$defs", "contentSchema"};
inline constexpr std::size_t kKeywordCount = std::size(kKeywords);
static_assert(kKeywordCount <= 64);

// A keyword of kKeywords, named by a literal checked at compile time.
class Keyword {
public:
  consteval Keyword(const char* name) : m_index(index_of(name)) {}  // NOLINT: implicit on purpose
  constexpr std::size_t index() const { return m_index; }
  std::string_view name() const { return kKeywords[m_index]; }

private:
  static consteval std::uint8_t index_of(std::string_view name) {
    for (std::size_t i = 0; i < kKeywordCount; ++i) {
      if (kKeywords[i] == name) return static_cast<std::uint8_t>(i);
    }
    throw "not in kKeywords";  // a compile error, never run
  }
  std::uint8_t m_index;
};

// The index of `key` in kKeywords, or kKeywordCount: by length first, so most
// keys are told apart without comparing any characters.
inline std::size_t keyword_index(std::string_view key) {
  static constexpr auto by_length = [] {
    std::array<std::array<std::uint8_t, 8>, 24> table{};
    for (auto& row : table) row.fill(0xFF);
    for (std::size_t i = 0; i < kKeywordCount; ++i) {
      auto& row = table[kKeywords[i].size()];
      std::size_t slot = 0;
      while (row[slot] != 0xFF) ++slot;
      row[slot] = static_cast<std::uint8_t>(i);
    }
    return table;
  }();
  if (key.size() >= by_length.size()) return kKeywordCount;
  for (const std::uint8_t i : by_length[key.size()]) {
    if (i == 0xFF) break;
    if (kKeywords[i] == key) return i;
  }
  return kKeywordCount;
}

// What a keyword holds, for finding the subschemas of a schema object.
enum class Holds : std::uint8_t { Nothing, Schema, SchemaOrArray, Array, Map };

// Per draft, indexed like kKeywords (and kKeywordCount, for other keys).
constexpr auto make_holds(bool draft7) {
  std::array<Holds, kKeywordCount + 1> table{};
  const auto set = [&](Keyword keyword, Holds holds) { table[keyword.index()] = holds; };
  for (const Keyword keyword : {Keyword("additionalProperties"), Keyword("contains"),
                                Keyword("propertyNames"), Keyword("if"), Keyword("then"),
                                Keyword("else"), Keyword("not")}) {
    set(keyword, Holds::Schema);
  }
  for (const Keyword keyword : {Keyword("allOf"), Keyword("anyOf"), Keyword("oneOf")}) set(keyword, Holds::Array);
  for (const Keyword keyword : {Keyword("properties"), Keyword("patternProperties"), Keyword("definitions")}) {
    set(keyword, Holds::Map);
  }
  if (draft7) {
    set("additionalItems", Holds::Schema);
    set("items", Holds::SchemaOrArray);
    set("dependencies", Holds::Map);
  } else {
    for (const Keyword keyword : {Keyword("items"), Keyword("unevaluatedItems"),
                                  Keyword("unevaluatedProperties"), Keyword("contentSchema")}) {
      set(keyword, Holds::Schema);
    }
    set("prefixItems", Holds::Array);
    set("$defs", Holds::Map);
    set("dependentSchemas", Holds::Map);
  }
  return table;
}
inline constexpr auto kHolds7 = make_holds(true);
inline constexpr auto kHolds2020 = make_holds(false);

}  // namespace fixturegen::schema
