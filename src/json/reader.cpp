#include <fixturegen/json/reader.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstring>
#include <forward_list>
#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

namespace fixturegen::json {

std::string ParseError::to_string() const { return fmt::format("{}:{}: {}", line, column, message); }

namespace {

// The keys seen so far in one open object, to refuse duplicates. Keys are
// views: into the input text when they had no escapes (the common case, no
// copy), else into strings this set owns. Small objects use a linear scan;
// large ones a hash set. An owned key lives in a list node that never
// moves (a short one inside its std::string, in that node), and a KeySet
// never moves or copies either: the reader holds each by pointer.
class KeySet {
public:
  KeySet() = default;
  KeySet(const KeySet&) = delete;
  KeySet& operator=(const KeySet&) = delete;
  KeySet(KeySet&&) = delete;
  KeySet& operator=(KeySet&&) = delete;

  void clear() {
    m_keys.clear();
    m_owned.clear();
    m_large.clear();
  }
  // Returns false when `key` was already there. `stable` says whether the
  // view outlives this object (it points into the input text).
  bool insert(std::string_view key, bool stable) {
    if (m_keys.size() < kLinearLimit) {
      for (const std::string_view seen : m_keys) {
        if (seen == key) return false;
      }
    } else {
      if (m_large.empty()) m_large.insert(m_keys.begin(), m_keys.end());
      if (m_large.contains(key)) return false;
    }
    if (!stable) key = m_owned.emplace_front(key);
    m_keys.push_back(key);
    if (!m_large.empty()) m_large.insert(key);
    return true;
  }

private:
  static constexpr std::size_t kLinearLimit = 32;
  std::vector<std::string_view> m_keys;
  // A list, not a deque: a deque allocates two blocks when it is made, and
  // every object depth of every document made one (validate of the 40
  // reference captures and their 16 schemas: 5.78 M -> 5.52 M instructions
  // of reading JSON).
  std::forward_list<std::string> m_owned;
  std::unordered_set<std::string_view> m_large;
};

// SWAR ("SIMD within a register") helpers for the string and white-space
// fast paths: eight bytes tested with a few integer operations.
constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
constexpr std::uint64_t kHighs = 0x8080808080808080ULL;
constexpr std::uint64_t kSpaces8 = kOnes * ' ';

std::uint64_t load8(const char* p) {
  std::uint64_t word;
  std::memcpy(&word, p, sizeof word);
  return word;
}

// Nonzero when some byte of `word` is below `n` (n <= 0x80), or has its high
// bit set: exact as an "any" test (a borrow only follows a true hit).
constexpr std::uint64_t any_below(std::uint64_t word, unsigned n) { return (word - kOnes * n) & ~word & kHighs; }
constexpr std::uint64_t any_equal(std::uint64_t word, unsigned char c) { return any_below(word ^ (kOnes * c), 1); }

// A quote, a backslash, a control character or a non-ASCII byte: the
// bytes a string's fast path must stop at, flagged in their high bit. The
// flag of the least significant such byte is exact (a borrow only follows
// a true hit): on a little-endian machine that is the first in memory.
constexpr std::uint64_t attention_bytes(std::uint64_t word) {
  return any_equal(word, '"') | any_equal(word, '\\') | any_below(word, 0x20) | (word & kHighs);
}

// The index of the first byte (in memory order) of `word` that is not zero;
// `word` is not zero.
std::size_t first_nonzero_byte(std::uint64_t word) {
  if constexpr (std::endian::native == std::endian::little) return static_cast<std::size_t>(std::countr_zero(word)) / 8;
  return static_cast<std::size_t>(std::countl_zero(word)) / 8;
}

bool is_ws(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

void append_utf8(std::string& out, std::uint32_t cp) {
  // WTF-8: lone surrogates are encoded like any other BMP code point.
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Length of the valid UTF-8 sequence at `p` (strict: no overlongs, no
// encoded surrogates, nothing above U+10FFFF), or 0 when invalid.
std::size_t utf8_sequence_length(const unsigned char* p, const unsigned char* end) {
  const unsigned char c = p[0];
  auto cont = [&](std::size_t i) { return p + i < end && (p[i] & 0xC0) == 0x80; };
  if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (!cont(1) || !cont(2)) return 0;
    if (c == 0xE0 && p[1] < 0xA0) return 0;  // overlong
    if (c == 0xED && p[1] >= 0xA0) return 0;  // UTF-16 surrogate
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (!cont(1) || !cont(2) || !cont(3)) return 0;
    if (c == 0xF0 && p[1] < 0x90) return 0;  // overlong
    if (c == 0xF4 && p[1] >= 0x90) return 0;  // above U+10FFFF
    return 4;
  }
  return 0;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The decimal exponent of a valid JSON number's first significant digit
// (1.5e3 -> 3, 0.00012 -> -4). The exponent's sign alone does not say
// whether a number is huge or tiny: 0.000...1 has none, 1000...0e-5 is
// still huge. Exponents are clamped; text lengths keep the sum in range.
long long decimal_magnitude(std::string_view text) {
  std::size_t i = (!text.empty() && text[0] == '-') ? 1 : 0;
  long long magnitude = 0;
  const std::size_t int_start = i;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
  const bool int_is_zero = i - int_start == 1 && text[int_start] == '0';
  if (!int_is_zero) magnitude = static_cast<long long>(i - int_start) - 1;
  if (i < text.size() && text[i] == '.') {
    ++i;
    long long zeros = 0;
    while (i < text.size() && text[i] == '0') ++zeros, ++i;
    if (int_is_zero) magnitude = -(zeros + 1);
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
  }
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    const bool negative_exponent = i < text.size() && text[i] == '-';
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
    long long exponent = 0;
    for (; i < text.size(); ++i) exponent = std::min(exponent * 10 + (text[i] - '0'), 1'000'000'000'000LL);
    magnitude += negative_exponent ? -exponent : exponent;
  }
  return magnitude;
}

std::string describe_char(const char* p, const char* end) {
  if (p >= end) return "end of input";
  const auto c = static_cast<unsigned char>(*p);
  if (c >= 0x20 && c < 0x7F) return fmt::format("'{}'", *p);
  return fmt::format("byte 0x{:02X}", c);
}

class Reader {
public:
  Reader(std::string_view text, JsonHandler& handler, const ReaderOptions& options)
      : m_begin(text.data()), m_p(text.data()), m_end(text.data() + text.size()),
        m_handler(handler), m_options(options) {}

  std::optional<ParseError> run();

private:
  // Each step returns false after recording an error in m_error.
  bool fail(std::string message) { return fail_at(m_p, std::move(message)); }
  bool fail_at(const char* where, std::string message) {
    if (!m_error) {
      m_error.emplace();
      m_error->message = std::move(message);
      m_error->offset = static_cast<std::size_t>(where - m_begin);
    }
    return false;
  }
  bool stopped() { return fail(m_handler.stop_reason()); }

  void skip_ws() {
    // Most calls find no white space at all (between a key and its ':', a
    // value and its ','): one byte says so. Pretty-printed input is
    // otherwise a newline or a space and then indentation: a run of spaces
    // is skipped 8 bytes at a time, its end found in one step (the first
    // byte that is not a space). Byte by byte, white space was 9% of the
    // instructions of validating the reference captures.
    while (m_p < m_end && is_ws(*m_p)) {
      ++m_p;
      while (m_end - m_p >= 8) {
        const std::uint64_t not_spaces = load8(m_p) ^ kSpaces8;
        if (not_spaces != 0) {
          m_p += first_nonzero_byte(not_spaces);
          break;
        }
        m_p += 8;
      }
    }
  }
  bool parse_value_start();  // a scalar, or opens a container
  bool parse_string(std::string_view& out);
  bool parse_number();
  bool parse_literal();
  bool open_container(bool is_object);
  bool expect_string_key();

  const char* m_begin;
  const char* m_p;
  const char* m_end;
  JsonHandler& m_handler;
  const ReaderOptions& m_options;
  std::optional<ParseError> m_error;

  // Open containers: true = object. Key sets parallel the open objects,
  // one per object depth, reused by the next object at that depth. By
  // pointer: opening a deeper object must not move the key sets of the
  // outer ones.
  // Bytes, not std::vector<bool>: its bit arithmetic on every push, pop
  // and back() was 3.5% of reading JSON.
  std::vector<unsigned char> m_stack;
  std::vector<std::unique_ptr<KeySet>> m_keys;
  std::size_t m_object_depth = 0;
  std::string m_scratch;  // decoded strings that needed unescaping
};

bool Reader::parse_string(std::string_view& out) {
  // m_p is on the opening quote.
  const char* start = ++m_p;
  // Fast path: plain ASCII without escapes is handed over without a copy.
  // Eight bytes at a time while none of them needs a closer look.
  while (m_end - m_p >= 8) {
    const std::uint64_t attention = attention_bytes(load8(m_p));
    if (attention == 0) {
      m_p += 8;
      continue;
    }
    // Straight to the byte that stopped it (on big-endian the first flag in
    // memory may follow a borrow: the loop below finds it byte by byte).
    if constexpr (std::endian::native == std::endian::little) m_p += first_nonzero_byte(attention);
    break;
  }
  while (m_p < m_end) {
    const auto c = static_cast<unsigned char>(*m_p);
    if (c == '"') {
      out = std::string_view(start, static_cast<std::size_t>(m_p - start));
      ++m_p;
      return true;
    }
    if (c == '\\' || c < 0x20 || c >= 0x80) break;
    ++m_p;
  }
  m_scratch.assign(start, static_cast<std::size_t>(m_p - start));
  while (m_p < m_end) {
    const auto c = static_cast<unsigned char>(*m_p);
    if (c == '"') {
      out = m_scratch;
      ++m_p;
      return true;
    }
    if (c < 0x20) {
      return fail(fmt::format("control character 0x{:02X} inside a string must be escaped", c));
    }
    if (c >= 0x80) {
      const std::size_t n = utf8_sequence_length(reinterpret_cast<const unsigned char*>(m_p),
                                                 reinterpret_cast<const unsigned char*>(m_end));
      if (n == 0) return fail(fmt::format("invalid UTF-8 (byte 0x{:02X}) inside a string", c));
      m_scratch.append(m_p, n);
      m_p += n;
      continue;
    }
    if (c != '\\') {
      // Plain bytes run up to the next quote, escape, control or non-ASCII
      // byte: appended in one go, not byte by byte.
      const char* run = m_p;
      while (m_p < m_end) {
        const auto d = static_cast<unsigned char>(*m_p);
        if (d == '"' || d == '\\' || d < 0x20 || d >= 0x80) break;
        ++m_p;
      }
      m_scratch.append(run, static_cast<std::size_t>(m_p - run));
      continue;
    }
    const char* escape_at = m_p;
    if (++m_p >= m_end) break;
    switch (*m_p) {
      case '"': m_scratch += '"'; break;
      case '\\': m_scratch += '\\'; break;
      case '/': m_scratch += '/'; break;
      case 'b': m_scratch += '\b'; break;
      case 'f': m_scratch += '\f'; break;
      case 'n': m_scratch += '\n'; break;
      case 'r': m_scratch += '\r'; break;
      case 't': m_scratch += '\t'; break;
      case 'u': {
        auto read_hex4 = [&](const char* at, std::uint32_t& value) {
          if (m_end - at < 4) return false;
          value = 0;
          for (int i = 0; i < 4; ++i) {
            const int h = hex_value(at[i]);
            if (h < 0) return false;
            value = value * 16 + static_cast<std::uint32_t>(h);
          }
          return true;
        };
        std::uint32_t cp = 0;
        if (!read_hex4(m_p + 1, cp)) return fail_at(escape_at, "invalid \\u escape (needs four hex digits)");
        m_p += 4;
        // A high surrogate followed by a low one is one code point, as in
        // Python; anything else stays a lone surrogate, also as in Python.
        if (cp >= 0xD800 && cp <= 0xDBFF && m_end - m_p >= 7 && m_p[1] == '\\' && m_p[2] == 'u') {
          std::uint32_t low = 0;
          if (read_hex4(m_p + 3, low) && low >= 0xDC00 && low <= 0xDFFF) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
            m_p += 6;
          }
        }
        append_utf8(m_scratch, cp);
        break;
      }
      default:
        return fail_at(escape_at, fmt::format("invalid escape \\{} inside a string", describe_char(m_p, m_end)));
    }
    ++m_p;
  }
  return fail_at(start - 1, "unterminated string (truncated input?)");
}

bool Reader::parse_number() {
  const char* start = m_p;
  const char* p = m_p;
  bool negative = false;
  if (p < m_end && *p == '-') {
    negative = true;
    ++p;
  }
  if (p >= m_end) return fail_at(start, "truncated number");
  if (*p == 'I') return fail_at(start, "-Infinity is not JSON (a fixture must hold finite numbers)");
  if (*p == '0') {
    ++p;
    if (p < m_end && *p >= '0' && *p <= '9') return fail_at(start, "numbers must not have leading zeros");
  } else if (*p >= '1' && *p <= '9') {
    while (p < m_end && *p >= '0' && *p <= '9') ++p;
  } else {
    return fail_at(start, fmt::format("invalid number: expected a digit, found {}", describe_char(p, m_end)));
  }
  bool is_float = false;
  if (p < m_end && *p == '.') {
    is_float = true;
    ++p;
    if (p >= m_end || *p < '0' || *p > '9') return fail_at(start, "invalid number: expected a digit after '.'");
    while (p < m_end && *p >= '0' && *p <= '9') ++p;
  }
  if (p < m_end && (*p == 'e' || *p == 'E')) {
    is_float = true;
    ++p;
    if (p < m_end && (*p == '+' || *p == '-')) ++p;
    if (p >= m_end || *p < '0' || *p > '9') return fail_at(start, "invalid number: expected a digit in the exponent");
    while (p < m_end && *p >= '0' && *p <= '9') ++p;
  }
  m_p = p;
  const std::string_view text(start, static_cast<std::size_t>(p - start));
  if (!is_float) {
    std::int64_t value = 0;
    const auto result = std::from_chars(text.data(), text.data() + text.size(), value);
    const bool fits = result.ec == std::errc() && result.ptr == text.data() + text.size();
    // "-0" is the integer 0: Python writes it back as "0".
    const std::string_view canonical = (negative && value == 0 && fits) ? text.substr(1) : text;
    return m_handler.integer_value(canonical, fits ? value : 0, fits) || stopped();
  }
  double value = 0;
  const auto result = std::from_chars(text.data(), text.data() + text.size(), value);
  if (result.ec == std::errc::result_out_of_range || !std::isfinite(value)) {
    // Which way it fell out of range decides what Python would have
    // written instead: Infinity (invalid JSON) or a silent 0.0.
    return fail_at(start, decimal_magnitude(text) < 0
                              ? fmt::format("number {} is too small for a 64-bit float: it would silently become 0.0", text)
                              : fmt::format("number {} is too large for a 64-bit float: it would become {}Infinity",
                                            text, negative ? "-" : ""));
  }
  if (result.ec != std::errc()) return fail_at(start, fmt::format("invalid number {}", text));
  return m_handler.float_value(value) || stopped();
}

bool Reader::parse_literal() {
  auto match = [&](std::string_view word) {
    return static_cast<std::size_t>(m_end - m_p) >= word.size() && std::memcmp(m_p, word.data(), word.size()) == 0;
  };
  if (match("true")) {
    m_p += 4;
    return m_handler.bool_value(true) || stopped();
  }
  if (match("false")) {
    m_p += 5;
    return m_handler.bool_value(false) || stopped();
  }
  if (match("null")) {
    m_p += 4;
    return m_handler.null_value() || stopped();
  }
  if (match("NaN")) return fail("NaN is not JSON (a fixture must hold finite numbers)");
  if (match("Infinity")) return fail("Infinity is not JSON (a fixture must hold finite numbers)");
  const auto c = static_cast<unsigned char>(*m_p);
  if (c == 0xEF && match("\xEF\xBB\xBF") && m_p == m_begin) {
    return fail("the file starts with a UTF-8 byte order mark; JSON must not");
  }
  return fail(fmt::format("expected a JSON value, found {}", describe_char(m_p, m_end)));
}

bool Reader::open_container(bool is_object) {
  if (m_stack.size() >= m_options.max_depth) {
    return fail(fmt::format("nesting deeper than {} levels", m_options.max_depth));
  }
  m_stack.push_back(is_object ? 1 : 0);
  ++m_p;
  if (is_object) {
    if (m_keys.size() <= m_object_depth) m_keys.push_back(std::make_unique<KeySet>());
    m_keys[m_object_depth++]->clear();
    return m_handler.begin_object() || stopped();
  }
  return m_handler.begin_array() || stopped();
}

bool Reader::parse_value_start() {
  if (m_p >= m_end) return fail("unexpected end of input: expected a value (truncated document?)");
  switch (*m_p) {
    case '{': return open_container(true);
    case '[': return open_container(false);
    case '"': {
      std::string_view value;
      if (!parse_string(value)) return false;
      return m_handler.string_value(value) || stopped();
    }
    case '-':
    case '0': case '1': case '2': case '3': case '4':
    case '5': case '6': case '7': case '8': case '9':
      return parse_number();
    default:
      return parse_literal();
  }
}

bool Reader::expect_string_key() {
  skip_ws();
  if (m_p >= m_end) return fail("unexpected end of input: expected a key (truncated document?)");
  if (*m_p != '"') return fail(fmt::format("expected a string key, found {}", describe_char(m_p, m_end)));
  const char* key_at = m_p;
  std::string_view key;
  if (!parse_string(key)) return false;
  const bool in_input = key.data() >= m_begin && key.data() < m_end;
  if (!m_keys[m_object_depth - 1]->insert(key, in_input)) {
    return fail_at(key_at, fmt::format("duplicate key \"{}\" in one object: the capture is ambiguous", key));
  }
  if (!m_handler.key(key)) return stopped();
  skip_ws();
  if (m_p >= m_end) return fail("unexpected end of input: expected ':' (truncated document?)");
  if (*m_p != ':') return fail(fmt::format("expected ':' after a key, found {}", describe_char(m_p, m_end)));
  ++m_p;
  skip_ws();
  return parse_value_start();
}

std::optional<ParseError> Reader::run() {
  skip_ws();
  if (m_p >= m_end) {
    fail(m_begin == m_end ? "empty input: expected a JSON document" : "input holds only white space: expected a JSON document");
  } else if (parse_value_start()) {
    // After a value, or right after opening a container: either close it,
    // or expect a separator and the next item.
    bool just_opened = !m_stack.empty();
    while (!m_stack.empty()) {
      skip_ws();
      if (m_p >= m_end) {
        fail(fmt::format("unexpected end of input: {} levels still open (truncated document?)", m_stack.size()));
        break;
      }
      const bool is_object = m_stack.back() != 0;
      const char close = is_object ? '}' : ']';
      const char* before = m_p;
      if (*m_p == close) {
        ++m_p;
        m_stack.pop_back();
        if (is_object) --m_object_depth;
        if (!(is_object ? m_handler.end_object() : m_handler.end_array())) {
          stopped();
          break;
        }
        just_opened = false;
        continue;
      }
      if (!just_opened) {
        if (*m_p != ',') {
          fail(fmt::format("expected ',' or '{}', found {}", close, describe_char(m_p, m_end)));
          break;
        }
        ++m_p;
        skip_ws();
        if (m_p < m_end && *m_p == close) {
          fail_at(before, fmt::format("trailing comma before '{}'", close));
          break;
        }
      }
      const std::size_t depth = m_stack.size();
      if (!(is_object ? expect_string_key() : (skip_ws(), parse_value_start()))) break;
      just_opened = m_stack.size() > depth;
    }
    if (!m_error) {
      skip_ws();
      if (m_p < m_end) fail(fmt::format("unexpected {} after the end of the document", describe_char(m_p, m_end)));
    }
  }
  if (m_error) {
    // Line and column are computed once, on failure, from the offset.
    std::size_t line = 1;
    const char* line_start = m_begin;
    const char* at = m_begin + m_error->offset;
    for (const char* p = m_begin; p < at; ++p) {
      if (*p == '\n') {
        ++line;
        line_start = p + 1;
      }
    }
    m_error->line = line;
    m_error->column = static_cast<std::size_t>(at - line_start) + 1;
  }
  return std::move(m_error);
}

}  // namespace

std::optional<ParseError> read_json(std::string_view text, JsonHandler& handler, const ReaderOptions& options) {
  return Reader(text, handler, options).run();
}

}  // namespace fixturegen::json
