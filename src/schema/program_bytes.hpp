#pragma once

#include "program.hpp"

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace fixturegen::schema {

// A compiled Program as bytes and back, for ProgramCache. The bytes hold
// the schema documents' tapes and every table; views and values become
// (document, offset) pairs; patterns are kept as their source and compiled
// again on the way back (PCRE2's compiled code is not portable between
// processes with JIT). Native byte order: an entry is only read by the
// build that wrote it (the cache key holds its build id).

// nullopt when the program cannot be cached: it reaches documents other
// than the one it was compiled from (another file's contents are not in
// the cache key).
std::optional<std::string> encode_program(const Program& program);

// nullptr when `bytes` is not a program encode_program wrote: truncated,
// out-of-range indices, a malformed tape, a pattern that no longer
// compiles. Every index is checked, so what comes back runs without
// reading out of bounds, whatever the bytes were.
// `keep_alive`, when given, owns `bytes` for as long as it lives: the
// program's documents then read their tapes where they lie (when aligned)
// instead of copying them.
std::unique_ptr<Program> decode_program(std::string_view bytes, const ValidatorOptions& options,
                                        std::shared_ptr<const void> keep_alive = nullptr);

}  // namespace fixturegen::schema
