#pragma once

#include <fixturegen/json/document.hpp>

#include <cstddef>
#include <string>
#include <string_view>

namespace fixturegen::schema {

// Compact JSON for messages: `{"a": 1, "b": [true]}`, cut at about `limit`
// characters with "..." so that one bad 20 KB value does not flood a report.
std::string compact_json(json::Value value, std::size_t limit = 60);

// A JSON string literal for `text` (quotes and escapes), cut like compact_json.
std::string quote(std::string_view text, std::size_t limit = 60);

// The type words messages use: "null", "boolean", "integer", "number" (for
// floats), "string", "array", "object".
std::string_view type_word(json::Value value);

// "string \"12\"", "integer 5", "null", "object {\"a\": 1}".
std::string found(json::Value value);

}  // namespace fixturegen::schema
