#pragma once

// Where a value stands in a JSON text, for reports: `validate` prints
// FILE:LINE:COLUMN beside each violation's JSON Pointer. The parsed tape
// (json::Document) keeps no positions, so the fast path pays nothing; a
// report re-scans the text only for captures that have violations.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fixturegen::json {

// Line and column are 1-based. A column counts Unicode code points
// (characters) from the start of its line, not bytes: "é" is one column, a
// tab is one column. That is where an editor's "go to line:column" lands
// (Emacs, VS Code, GCC's default column unit) whatever UTF-8 stands before
// the value. `offset` is the byte offset into the text.
struct SourcePosition {
  std::size_t line = 1;
  std::size_t column = 1;
  std::size_t offset = 0;

  bool operator==(const SourcePosition&) const = default;
};

// The line and column of a byte offset into `text` (past the end: the end).
SourcePosition position_at_offset(std::string_view text, std::size_t offset);

// Where each of `pointers` (RFC 6901, as the validator reports them) starts
// in `text`: the first byte of the value (its quote, bracket, brace, digit
// or letter). nullopt for a pointer that names no value in the text, or when
// the text is not JSON where the walk goes (it should be: a capture that
// parsed). One scan of the text for all the pointers; containers no pointer
// leads into are skipped without decoding their keys.
std::vector<std::optional<SourcePosition>> find_value_positions(std::string_view text,
                                                                const std::vector<std::string>& pointers);

}  // namespace fixturegen::json
