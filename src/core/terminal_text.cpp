#include <fixturegen/core/terminal_text.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>

namespace fixturegen {
namespace {

// The length of the well-formed UTF-8 sequence at the start of `text`, and
// its code point; 0 when the bytes there are not UTF-8 (overlong forms,
// surrogates and code points past U+10FFFF included).
std::size_t utf8_sequence(std::string_view text, char32_t& code_point) {
  const auto byte = [&](std::size_t i) { return static_cast<std::uint8_t>(text[i]); };
  const std::uint8_t lead = byte(0);
  std::size_t length = 0;
  char32_t min = 0;
  if (lead < 0x80) {
    code_point = lead;
    return 1;
  }
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2, min = 0x80, code_point = lead & 0x1Fu;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3, min = 0x800, code_point = lead & 0x0Fu;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4, min = 0x10000, code_point = lead & 0x07u;
  } else {
    return 0;
  }
  if (text.size() < length) return 0;
  for (std::size_t i = 1; i < length; ++i) {
    if ((byte(i) & 0xC0u) != 0x80u) return 0;
    code_point = (code_point << 6) | (byte(i) & 0x3Fu);
  }
  if (code_point < min || code_point > 0x10FFFF || (code_point >= 0xD800 && code_point <= 0xDFFF)) return 0;
  return length;
}

}  // namespace

std::string escape_control(std::string_view text, bool escape_backslash, bool keep_layout) {
  // Nearly every path, type and message is printable ASCII that needs no
  // escape: copied as is, without decoding it code point by code point.
  if (std::all_of(text.begin(), text.end(), [escape_backslash](char c) {
        return c >= 0x20 && c < 0x7F && !(escape_backslash && c == '\\');
      })) {
    return std::string(text);
  }
  std::string escaped;
  escaped.reserve(text.size());
  while (!text.empty()) {
    char32_t code_point = 0;
    const std::size_t length = utf8_sequence(text, code_point);
    if (length == 0) {  // not UTF-8: the byte, visibly
      escaped += fmt::format("\\x{:02x}", static_cast<unsigned>(static_cast<std::uint8_t>(text.front())));
      text.remove_prefix(1);
      continue;
    }
    if (keep_layout && (code_point == '\n' || code_point == '\t')) {
      escaped += static_cast<char>(code_point);
    } else if (code_point == '\n') {
      escaped += "\\n";
    } else if (code_point == '\r') {
      escaped += "\\r";
    } else if (code_point == '\t') {
      escaped += "\\t";
    } else if (code_point == '\\' && escape_backslash) {
      escaped += "\\\\";
    } else if (code_point < 0x20 || code_point == 0x7F) {
      escaped += fmt::format("\\x{:02x}", static_cast<unsigned>(code_point));
    } else if ((code_point >= 0x80 && code_point <= 0x9F) || code_point == 0xFFFE || code_point == 0xFFFF) {
      // C1 controls act on some terminals; U+FFFE/U+FFFF are not XML characters.
      escaped += fmt::format("\\u{:04x}", static_cast<unsigned>(code_point));
    } else {
      escaped.append(text.substr(0, length));
    }
    text.remove_prefix(length);
  }
  return escaped;
}

}  // namespace fixturegen
