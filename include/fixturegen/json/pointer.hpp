#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace fixturegen::json {

// RFC 6901 JSON Pointers, as the validator reports instance locations.

// Escapes one reference token ("~" -> "~0", "/" -> "~1").
std::string escape_pointer_token(std::string_view token);
// Splits a pointer into unescaped tokens; "" is the root (no tokens).
// Returns false on a malformed pointer (no leading "/", bad "~" escape).
bool split_pointer(std::string_view pointer, std::vector<std::string>& tokens);

// A pointer built up segment by segment while walking a document.
class PointerBuilder {
public:
  void push(std::string_view key) { m_lengths.push_back(m_text.size()); m_text += '/'; m_text += escape_pointer_token(key); }
  void push(std::size_t index) { m_lengths.push_back(m_text.size()); m_text += '/'; m_text += std::to_string(index); }
  void pop() { m_text.resize(m_lengths.back()); m_lengths.pop_back(); }
  const std::string& str() const { return m_text; }

private:
  std::string m_text;
  std::vector<std::size_t> m_lengths;
};

}  // namespace fixturegen::json
