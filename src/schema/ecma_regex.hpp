#pragma once

#include <fixturegen/core/error.hpp>
#include <fixturegen/core/regex.hpp>

#include <string_view>

namespace fixturegen::schema {

// A JSON Schema `pattern` (ECMA-262 dialect) compiled with PCRE2: the
// constructs PCRE2 spells differently are rewritten (long Unicode property
// names, Unicode `\s`, `[^]`, `[]`), the PCRE-only ones a schema must not use
// refused (`(?P<n>`, `(?i)`, `(?#...)`, `\a`). An Error (Config) says why a
// pattern is refused. Matching is fixturegen::Regex's (core/regex.hpp);
// `options.flavor` is set here.
Expected<Regex> compile_ecma_regex(std::string_view pattern, const RegexOptions& options = {});

}  // namespace fixturegen::schema
