#include <fixturegen/json/document.hpp>
#include <fixturegen/json/python_writer.hpp>

#include <charconv>
#include <cstdlib>
#include <cstring>
#include <system_error>

namespace fixturegen::json {

// --- floats ----------------------------------------------------------------

void append_python_float(std::string& out, double value) {
  // std::to_chars without a precision gives the shortest digits that round-
  // trip (as Python's repr does); only the layout differs, applied below
  // from CPython's float_repr rules: exponent form when the decimal
  // exponent is < -4 or >= 16.
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::scientific);
  const char* p = buffer;
  const char* end = result.ptr;
  if (*p == '-') {
    out += '-';
    ++p;
  }
  char digits[32];
  std::size_t n = 0;
  while (p < end && *p != 'e') {
    if (*p != '.') digits[n++] = *p;
    ++p;
  }
  int exponent = 0;
  std::from_chars(p + 1 + (p[1] == '+' ? 1 : 0), end, exponent);

  if (exponent < -4 || exponent >= 16) {
    out += digits[0];
    if (n > 1) {
      out += '.';
      out.append(digits + 1, n - 1);
    }
    out += 'e';
    out += exponent < 0 ? '-' : '+';
    const int magnitude = std::abs(exponent);
    if (magnitude < 10) out += '0';
    out += std::to_string(magnitude);
    return;
  }
  if (exponent < 0) {
    out += "0.";
    out.append(static_cast<std::size_t>(-exponent - 1), '0');
    out.append(digits, n);
    return;
  }
  const auto integer_digits = static_cast<std::size_t>(exponent) + 1;
  if (n <= integer_digits) {
    out.append(digits, n);
    out.append(integer_digits - n, '0');
    out += ".0";
  } else {
    out.append(digits, integer_digits);
    out += '.';
    out.append(digits + integer_digits, n - integer_digits);
  }
}

std::string python_float_repr(double value) {
  std::string out;
  append_python_float(out, value);
  return out;
}

// --- strings ---------------------------------------------------------------

namespace {

constexpr char kHex[] = "0123456789abcdef";

void append_u_escape(std::string& out, std::uint32_t unit) {
  const char text[6] = {'\\', 'u', kHex[(unit >> 12) & 0xF], kHex[(unit >> 8) & 0xF], kHex[(unit >> 4) & 0xF], kHex[unit & 0xF]};
  out.append(text, 6);
}

// Bytes Python leaves as they are with ensure_ascii: printable ASCII but
// the quote and the backslash (DEL, 0x7F, is escaped).
constexpr bool plain(unsigned char c) { return c >= 0x20 && c < 0x7F && c != '"' && c != '\\'; }

}  // namespace

void append_python_string(std::string& out, std::string_view value) {
  out += '"';
  const auto* p = reinterpret_cast<const unsigned char*>(value.data());
  const auto* end = p + value.size();
  while (p < end) {
    const auto* run = p;
    while (p < end && plain(*p)) ++p;
    out.append(reinterpret_cast<const char*>(run), static_cast<std::size_t>(p - run));
    if (p >= end) break;
    const unsigned char c = *p;
    switch (c) {
      case '"': out += "\\\""; ++p; continue;
      case '\\': out += "\\\\"; ++p; continue;
      case '\n': out += "\\n"; ++p; continue;
      case '\r': out += "\\r"; ++p; continue;
      case '\t': out += "\\t"; ++p; continue;
      case '\b': out += "\\b"; ++p; continue;
      case '\f': out += "\\f"; ++p; continue;
      default: break;
    }
    if (c < 0x80) {
      append_u_escape(out, c);
      ++p;
      continue;
    }
    // Decode one (WTF-8) sequence; the reader guaranteed it is well formed.
    std::uint32_t cp = 0;
    std::size_t len = 0;
    if (c >= 0xF0) {
      cp = c & 0x07u;
      len = 4;
    } else if (c >= 0xE0) {
      cp = c & 0x0Fu;
      len = 3;
    } else {
      cp = c & 0x1Fu;
      len = 2;
    }
    if (static_cast<std::size_t>(end - p) < len) len = static_cast<std::size_t>(end - p);
    for (std::size_t i = 1; i < len; ++i) cp = (cp << 6) | (p[i] & 0x3Fu);
    p += len;
    if (cp >= 0x10000) {
      cp -= 0x10000;
      append_u_escape(out, 0xD800 + (cp >> 10));
      append_u_escape(out, 0xDC00 + (cp & 0x3FF));
    } else {
      append_u_escape(out, cp);
    }
  }
  out += '"';
}

// --- the writer --------------------------------------------------------------

PythonJsonWriter::PythonJsonWriter(std::string& out, int indent) : m_out(out), m_indent(indent) {}

void PythonJsonWriter::newline_and_indent(std::size_t depth) {
  m_out += '\n';
  m_out.append(depth * static_cast<std::size_t>(m_indent), ' ');
}

void PythonJsonWriter::before_value() {
  if (m_after_key) {
    m_after_key = false;
    return;
  }
  if (m_has_items.empty()) return;  // the document's root
  if (m_has_items.back()) m_out += ',';
  m_has_items.back() = true;
  newline_and_indent(m_has_items.size());
}

bool PythonJsonWriter::null_value() {
  before_value();
  m_out += "null";
  return true;
}

bool PythonJsonWriter::bool_value(bool value) {
  before_value();
  m_out += value ? "true" : "false";
  return true;
}

bool PythonJsonWriter::integer_value(std::string_view text, std::int64_t, bool) {
  before_value();
  m_out += text;
  return true;
}

bool PythonJsonWriter::float_value(double value) {
  before_value();
  append_python_float(m_out, value);
  return true;
}

bool PythonJsonWriter::string_value(std::string_view value) {
  before_value();
  append_python_string(m_out, value);
  return true;
}

bool PythonJsonWriter::begin_object() {
  before_value();
  m_out += '{';
  m_has_items.push_back(false);
  return true;
}

bool PythonJsonWriter::key(std::string_view name) {
  if (m_has_items.back()) m_out += ',';
  m_has_items.back() = true;
  newline_and_indent(m_has_items.size());
  append_python_string(m_out, name);
  m_out += ": ";
  m_after_key = true;
  return true;
}

bool PythonJsonWriter::end_object() { return close_container('}'); }

bool PythonJsonWriter::close_container(char bracket) {
  const bool had_items = m_has_items.back();
  m_has_items.pop_back();
  if (had_items) newline_and_indent(m_has_items.size());
  m_out += bracket;
  return true;
}

bool PythonJsonWriter::begin_array() {
  before_value();
  m_out += '[';
  m_has_items.push_back(false);
  return true;
}

bool PythonJsonWriter::end_array() { return close_container(']'); }

std::string to_python_json(Value value) {
  std::string out;
  PythonJsonWriter writer(out);
  emit(value, writer);
  out += '\n';
  return out;
}

}  // namespace fixturegen::json
