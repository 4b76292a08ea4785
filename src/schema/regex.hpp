#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace fixturegen::schema {

// One `pattern` compiled once with PCRE2 in UTF mode, with the options that
// bring PCRE2 closest to ECMA-262 (the dialect JSON Schema names): `$` only
// at the very end, `\uXXXX` escapes. JIT-compiled when the platform allows.
class Regex {
public:
  // Returns nullptr and fills `error` when PCRE2 refuses the pattern.
  static std::unique_ptr<Regex> compile(std::string_view pattern, std::string& error);
  ~Regex();
  Regex(const Regex&) = delete;
  Regex& operator=(const Regex&) = delete;

  // Unanchored search, as `pattern` means. `match_data` comes from a
  // MatchScratch. Strings with lone surrogates (WTF-8, which PCRE2 refuses)
  // are matched with U+FFFD in their place.
  bool search(std::string_view text, void* match_data) const;
  const std::string& source() const { return m_source; }

private:
  Regex() = default;
  void* m_code = nullptr;  // pcre2_code*
  std::string m_source;
};

// A reusable pcre2_match_data: the program owns one, and a caller that finds
// it busy (another thread validating with the same program) makes its own.
class MatchScratch {
public:
  MatchScratch();
  ~MatchScratch();
  MatchScratch(const MatchScratch&) = delete;
  MatchScratch& operator=(const MatchScratch&) = delete;
  void* get() const { return m_data; }

private:
  void* m_data = nullptr;
};

}  // namespace fixturegen::schema
