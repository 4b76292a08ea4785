#include <fixturegen/json/pointer.hpp>
#include <fixturegen/normalize/selector.hpp>

#include <fmt/format.h>

namespace fixturegen::normalize {

Expected<Selector> Selector::parse(std::string_view text) {
  std::vector<std::string> tokens;
  if (!json::split_pointer(text, tokens)) {
    return Error::usage(fmt::format("invalid selector \"{}\"", text),
                        "a selector starts with '/' (or is \"\" for the root) and escapes '~' as ~0 and '/' as ~1, e.g. \"/models/*/duration_ms\"");
  }
  Selector selector;
  selector.m_text = std::string(text);
  for (auto& token : tokens) {
    if (token == "*") {
      selector.m_tokens.push_back({TokenKind::AnyOne, {}});
    } else if (token == "**") {
      selector.m_tokens.push_back({TokenKind::AnyDepth, {}});
    } else {
      selector.m_tokens.push_back({TokenKind::Literal, std::move(token)});
    }
  }
  return selector;
}

bool Selector::matches(const std::vector<std::string>& path) const { return match_from(0, 0, path); }

bool Selector::match_from(std::size_t token, std::size_t segment, const std::vector<std::string>& path) const {
  for (; token < m_tokens.size(); ++token, ++segment) {
    const Token& t = m_tokens[token];
    if (t.kind == TokenKind::AnyDepth) {
      for (std::size_t skip = segment; skip <= path.size(); ++skip) {
        if (match_from(token + 1, skip, path)) return true;
      }
      return false;
    }
    if (segment >= path.size()) return false;
    if (t.kind == TokenKind::Literal && t.literal != path[segment]) return false;
  }
  return segment == path.size();
}

}  // namespace fixturegen::normalize
