#pragma once

#include <fixturegen/core/error.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace fixturegen {

// How a pattern is compiled. Ecma262Compat asks PCRE2 for the behaviour
// closest to ECMA-262 (`$` only at the very end, `\uXXXX` escapes); the
// caller has already rewritten the constructs PCRE2 spells differently
// (schema/ecma_regex.hpp).
enum class RegexFlavor { Pcre2, Ecma262Compat };

struct RegexOptions {
  RegexFlavor flavor = RegexFlavor::Pcre2;
  // How far PCRE2 may go before it gives up on a subject (then search()
  // says "cannot decide"): PCRE2's own default match limit, and a heap cap
  // for the interpreter's backtracking frames.
  std::uint32_t match_limit = 10'000'000;
  std::uint32_t heap_limit_kib = 512u * 1024;
};

// One pattern compiled once with PCRE2 (UTF mode, JIT when the platform
// allows), shared read-only by any number of threads. The one PCRE2
// wrapper of the project: the validator's `pattern`s and the normalizer's
// `scrub` rules both go through it.
//
// A match PCRE2 cannot decide is never an answer. The JIT gets a stack of up
// to kJitStackBytes per thread; when that is not enough the interpreter
// (which keeps its backtracking state on the heap) tries again within the
// RegexOptions limits; when even that gives up, search() and
// replace_all() return an Error (ErrorKind::Config: the pattern is too
// costly for the input) instead of "no match".
class Regex {
public:
  // Enough for a repeated group over a string of a million characters.
  static constexpr std::size_t kJitStackBytes = 64u << 20;  // reserved, committed on use

  // An Error (ErrorKind::Config) with PCRE2's message and the offset when
  // the pattern does not compile. `source` is the pattern as the user wrote
  // it, for messages (defaults to `pattern`).
  static Expected<Regex> compile(std::string_view pattern, const RegexOptions& options = {},
                                 std::string_view source = {});

  Regex(Regex&& other) noexcept;
  Regex& operator=(Regex&& other) noexcept;
  Regex(const Regex&) = delete;
  Regex& operator=(const Regex&) = delete;
  ~Regex();

  // Unanchored search, as a JSON Schema `pattern` means. Strings with lone
  // surrogates (WTF-8, which PCRE2's UTF mode refuses) are searched with
  // U+FFFD in their place. Allocation-free on the common path.
  Expected<bool> search(std::string_view text) const;
  // Every match replaced by `replacement` ($1 names a group), as
  // pcre2_substitute with PCRE2_SUBSTITUTE_GLOBAL.
  Expected<std::string> replace_all(std::string_view text, std::string_view replacement) const;

  const std::string& source() const { return m_source; }

private:
  Regex() = default;
  void* m_code = nullptr;  // pcre2_code*
  std::string m_source;
  RegexOptions m_options;
};

}  // namespace fixturegen
