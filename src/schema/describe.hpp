#pragma once

#include <fixturegen/json/document.hpp>

#include <cstddef>
#include <cstdint>
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

// Expected types for a message: "object, array or null" from a mask of
// TypeBits ("number" already admits integers, so integer is not repeated).
std::string type_names(std::uint8_t mask);

// "1 item", "3 items", "2 properties".
std::string plural(std::uint64_t count, std::string_view word);

// A schema number as written, integral floats without their ".0" (the
// engine writes "minimum": 0.0 for unsigned fields).
std::string number_text(json::Value number);

// The JSON pointer of `target` inside the document whose root is `root`
// ("" for the root itself). Walks down from the root, so schema locations
// need not be kept as text: they are spelled out only for a report.
std::string pointer_to(json::Value root, json::Value target);

}  // namespace fixturegen::schema
