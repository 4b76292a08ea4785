#pragma once

#include <fixturegen/core/error.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace fixturegen::normalize {

// A JSON-Pointer-like pattern over locations in a document:
//   "/materializations/*/metadata/watermark"   `*`  = any one key or array index
//   "/**/sql"                                   `**` = any number of levels (also none)
//   ""                                          the document root
// Tokens are unescaped as in RFC 6901 ("~0" = "~", "~1" = "/").
class Selector {
public:
  static Expected<Selector> parse(std::string_view text);

  // `path` holds the location's tokens from the root; array indices as
  // decimal text.
  bool matches(const std::vector<std::string>& path) const;
  const std::string& text() const { return m_text; }

private:
  enum class TokenKind { Literal, AnyOne, AnyDepth };
  struct Token {
    TokenKind kind;
    std::string literal;
  };
  bool match_from(std::size_t token, std::size_t segment, const std::vector<std::string>& path) const;

  std::string m_text;
  std::vector<Token> m_tokens;
};

}  // namespace fixturegen::normalize
