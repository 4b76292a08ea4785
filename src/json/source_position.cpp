#include <fixturegen/json/pointer.hpp>
#include <fixturegen/json/source_position.hpp>

#include <algorithm>
#include <cstdint>
#include <unordered_map>
#include <unordered_set>
#include <utility>

namespace fixturegen::json {

namespace {

constexpr std::size_t kNowhere = std::string_view::npos;

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Bytes that start a code point: all but UTF-8 continuation bytes.
bool starts_code_point(char c) { return (static_cast<std::uint8_t>(c) & 0xC0u) != 0x80u; }

// A forward scanner over a JSON text that parsed. Every step checks its
// bounds and answers kNowhere instead of reading past the end, so text that
// is not JSON after all ends the walk rather than the process.
class Scanner {
public:
  explicit Scanner(std::string_view text) : m_text(text) {}

  std::size_t skip_space(std::size_t at) const {
    while (at < m_text.size() && is_space(m_text[at])) ++at;
    return at;
  }

  char at(std::size_t pos) const { return pos < m_text.size() ? m_text[pos] : '\0'; }

  // Past the closing quote of the string whose opening quote is at `pos`.
  std::size_t skip_string(std::size_t pos) const {
    if (at(pos) != '"') return kNowhere;
    for (++pos; pos < m_text.size(); ++pos) {
      if (m_text[pos] == '\\') ++pos;
      else if (m_text[pos] == '"') return pos + 1;
    }
    return kNowhere;
  }

  // The string at `pos` decoded into `out` (escapes resolved, \u pairs
  // joined, a lone surrogate as U+FFFD); past its closing quote.
  std::size_t read_string(std::size_t pos, std::string& out) const {
    out.clear();
    if (at(pos) != '"') return kNowhere;
    for (++pos; pos < m_text.size();) {
      const char c = m_text[pos];
      if (c == '"') return pos + 1;
      if (c != '\\') {
        out += c;
        ++pos;
        continue;
      }
      const char escape = at(pos + 1);
      pos += 2;
      switch (escape) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          std::uint32_t code = 0;
          if (!read_hex4(pos, code)) return kNowhere;
          pos += 4;
          if (code >= 0xD800 && code <= 0xDBFF && at(pos) == '\\' && at(pos + 1) == 'u') {
            std::uint32_t low = 0;
            if (read_hex4(pos + 2, low) && low >= 0xDC00 && low <= 0xDFFF) {
              code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
              pos += 6;
            }
          }
          if (code >= 0xD800 && code <= 0xDFFF) code = 0xFFFD;
          append_utf8(code, out);
          break;
        }
        default: return kNowhere;
      }
    }
    return kNowhere;
  }

  // Past the value starting at `pos` (no leading space).
  std::size_t skip_value(std::size_t pos) const {
    const char first = at(pos);
    if (first == '"') return skip_string(pos);
    if (first != '{' && first != '[') {
      const std::size_t start = pos;
      while (pos < m_text.size() && !is_space(m_text[pos]) && m_text[pos] != ',' && m_text[pos] != ']' &&
             m_text[pos] != '}')
        ++pos;
      return pos > start ? pos : kNowhere;
    }
    // Brackets are counted, not matched: the text parsed, so they pair up.
    std::size_t depth = 0;
    while (pos < m_text.size()) {
      const char c = m_text[pos];
      if (c == '"') {
        pos = skip_string(pos);
        if (pos == kNowhere) return kNowhere;
        continue;
      }
      if (c == '{' || c == '[') ++depth;
      if (c == '}' || c == ']') {
        if (depth == 0) return kNowhere;
        if (--depth == 0) return pos + 1;
      }
      ++pos;
    }
    return kNowhere;
  }

private:
  bool read_hex4(std::size_t pos, std::uint32_t& code) const {
    if (pos + 4 > m_text.size()) return false;
    code = 0;
    for (std::size_t i = 0; i < 4; ++i) {
      const char c = m_text[pos + i];
      std::uint32_t digit = 0;
      if (c >= '0' && c <= '9') digit = static_cast<std::uint32_t>(c - '0');
      else if (c >= 'a' && c <= 'f') digit = static_cast<std::uint32_t>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F') digit = static_cast<std::uint32_t>(c - 'A' + 10);
      else return false;
      code = (code << 4) | digit;
    }
    return true;
  }

  static void append_utf8(std::uint32_t code, std::string& out) {
    if (code < 0x80) {
      out += static_cast<char>(code);
    } else if (code < 0x800) {
      out += static_cast<char>(0xC0 | (code >> 6));
      out += static_cast<char>(0x80 | (code & 0x3F));
    } else if (code < 0x10000) {
      out += static_cast<char>(0xE0 | (code >> 12));
      out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (code & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (code >> 18));
      out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (code & 0x3F));
    }
  }

  std::string_view m_text;
};

// The byte offset where each wanted pointer's value starts (kNowhere when
// absent). Walks without recursion (a capture may nest deeply), entering
// only containers some wanted pointer leads into.
std::vector<std::size_t> find_value_offsets(std::string_view text, const std::vector<std::string>& pointers) {
  std::vector<std::size_t> offsets(pointers.size(), kNowhere);
  std::unordered_map<std::string_view, std::vector<std::size_t>> wanted;
  std::unordered_set<std::string_view> leads_into;  // proper prefixes of wanted pointers, at token boundaries
  for (std::size_t i = 0; i < pointers.size(); ++i) {
    const std::string_view pointer = pointers[i];
    wanted[pointer].push_back(i);
    for (std::size_t slash = pointer.find('/'); slash != std::string_view::npos; slash = pointer.find('/', slash + 1))
      leads_into.insert(pointer.substr(0, slash));
  }
  std::size_t left = wanted.size();

  struct Frame {
    std::size_t pointer_length;  // of the container's own pointer
    bool array;
    std::size_t index;
  };
  const Scanner scan(text);
  std::vector<Frame> open;
  std::string pointer;
  std::string key;
  enum class Next { Value, Child, AfterValue };
  Next next = Next::Value;
  std::size_t pos = 0;
  while (left > 0) {
    if (next == Next::Value) {
      pos = scan.skip_space(pos);
      if (pos >= text.size()) break;
      if (const auto found = wanted.find(pointer); found != wanted.end()) {
        for (const std::size_t i : found->second) offsets[i] = pos;
        wanted.erase(found);
        if (--left == 0) break;
      }
      const char c = text[pos];
      if ((c == '{' || c == '[') && leads_into.count(pointer) > 0) {
        pos = scan.skip_space(pos + 1);
        if (scan.at(pos) == (c == '{' ? '}' : ']')) {
          ++pos;
          next = Next::AfterValue;
        } else {
          open.push_back({pointer.size(), c == '[', 0});
          next = Next::Child;
        }
        continue;
      }
      pos = scan.skip_value(pos);
      if (pos == kNowhere) break;
      next = Next::AfterValue;
    } else if (next == Next::Child) {
      Frame& frame = open.back();
      pointer.resize(frame.pointer_length);
      pointer += '/';
      if (frame.array) {
        pointer += std::to_string(frame.index);
      } else {
        pos = scan.read_string(pos, key);
        if (pos == kNowhere) break;
        pos = scan.skip_space(pos);
        if (scan.at(pos) != ':') break;
        ++pos;
        pointer += escape_pointer_token(key);
      }
      next = Next::Value;
    } else {  // AfterValue: a comma, or the end of the open container
      if (open.empty()) break;
      Frame& frame = open.back();
      pointer.resize(frame.pointer_length);
      pos = scan.skip_space(pos);
      const char c = scan.at(pos);
      if (c == ',') {
        pos = scan.skip_space(pos + 1);
        ++frame.index;
        next = Next::Child;
      } else if (c == (frame.array ? ']' : '}')) {
        ++pos;
        open.pop_back();
      } else {
        break;
      }
    }
  }
  return offsets;
}

}  // namespace

SourcePosition position_at_offset(std::string_view text, std::size_t offset) {
  offset = std::min(offset, text.size());
  SourcePosition position;
  position.offset = offset;
  for (std::size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++position.line;
      position.column = 1;
    } else if (starts_code_point(text[i])) {
      ++position.column;
    }
  }
  return position;
}

std::vector<std::optional<SourcePosition>> find_value_positions(std::string_view text,
                                                                const std::vector<std::string>& pointers) {
  const std::vector<std::size_t> offsets = find_value_offsets(text, pointers);
  // Lines and columns in one pass over the text, by increasing offset.
  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < offsets.size(); ++i) {
    if (offsets[i] != kNowhere) order.push_back(i);
  }
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return offsets[a] < offsets[b]; });
  std::vector<std::optional<SourcePosition>> positions(pointers.size());
  SourcePosition here;
  for (const std::size_t i : order) {
    for (; here.offset < offsets[i]; ++here.offset) {
      if (text[here.offset] == '\n') {
        ++here.line;
        here.column = 1;
      } else if (starts_code_point(text[here.offset])) {
        ++here.column;
      }
    }
    positions[i] = here;
  }
  return positions;
}

}  // namespace fixturegen::json
