#include <fixturegen/json/pointer.hpp>

namespace fixturegen::json {

std::string escape_pointer_token(std::string_view token) {
  std::string out;
  out.reserve(token.size());
  for (const char c : token) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

bool split_pointer(std::string_view pointer, std::vector<std::string>& tokens) {
  tokens.clear();
  if (pointer.empty()) return true;
  if (pointer.front() != '/') return false;
  std::string current;
  for (std::size_t i = 1; i <= pointer.size(); ++i) {
    if (i == pointer.size() || pointer[i] == '/') {
      tokens.push_back(std::move(current));
      current.clear();
      continue;
    }
    if (pointer[i] == '~') {
      if (i + 1 >= pointer.size()) return false;
      const char next = pointer[++i];
      if (next == '0') {
        current += '~';
      } else if (next == '1') {
        current += '/';
      } else {
        return false;
      }
      continue;
    }
    current += pointer[i];
  }
  return true;
}

}  // namespace fixturegen::json
