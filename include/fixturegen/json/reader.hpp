#pragma once

#include <fixturegen/json/handler.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace fixturegen::json {

// Where and why a document was refused. Line and column are 1-based; the
// column counts bytes, as most editors' "go to column" does for ASCII.
struct ParseError {
  std::string message;
  std::size_t offset = 0;
  std::size_t line = 1;
  std::size_t column = 1;

  // "LINE:COLUMN: MESSAGE", ready to follow a file name.
  std::string to_string() const;
};

struct ReaderOptions {
  // Containers nested deeper than this are refused. The reader itself is
  // iterative; the limit protects recursive consumers (the validator) and
  // the Python-layout writer, whose indent=2 output grows with the square
  // of the depth: a 100,000-level document would be ~20 GB of spaces, so it
  // must be refused here rather than fail later for want of memory.
  std::size_t max_depth = 50'000;
};

// A strict RFC 8259 reader that refuses what a fixture must never contain:
// NaN/Infinity, invalid UTF-8, trailing garbage, empty or truncated input,
// duplicate keys within one object, numbers outside the double range.
// Returns nothing on success. When the handler returns false the reader stops
// and returns a ParseError carrying `handler.stop_reason()` at the current
// position.
std::optional<ParseError> read_json(std::string_view text, JsonHandler& handler,
                                    const ReaderOptions& options = {});

}  // namespace fixturegen::json
