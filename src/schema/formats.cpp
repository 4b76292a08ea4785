#include "formats.hpp"

#include "ecma_regex.hpp"

#include <array>
#include <cmath>
#include <cstddef>
#include <string>
#include <utility>

namespace fixturegen::schema {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

// Reads exactly `count` digits at `pos`.
bool read_digits(std::string_view text, std::size_t pos, std::size_t count, int& value) {
  if (pos + count > text.size()) return false;
  value = 0;
  for (std::size_t i = pos; i < pos + count; ++i) {
    if (!is_digit(text[i])) return false;
    value = value * 10 + (text[i] - '0');
  }
  return true;
}

bool is_leap_year(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int days_in_month(int year, int month) {
  static constexpr std::array<int, 12> days = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2 && is_leap_year(year)) return 29;
  return days[static_cast<std::size_t>(month - 1)];
}

// full-date = YYYY-MM-DD
bool parse_full_date(std::string_view text) {
  int year = 0;
  int month = 0;
  int day = 0;
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  if (!read_digits(text, 0, 4, year) || !read_digits(text, 5, 2, month) ||
      !read_digits(text, 8, 2, day)) {
    return false;
  }
  return month >= 1 && month <= 12 && day >= 1 && day <= days_in_month(year, month);
}

// full-time = HH:MM:SS[.frac](Z|+HH:MM|-HH:MM); a leap second only where
// the time in UTC is 23:59:60.
bool parse_full_time(std::string_view text) {
  int hour = 0;
  int minute = 0;
  int second = 0;
  if (text.size() < 9 || text[2] != ':' || text[5] != ':') return false;
  if (!read_digits(text, 0, 2, hour) || !read_digits(text, 3, 2, minute) ||
      !read_digits(text, 6, 2, second)) {
    return false;
  }
  if (hour > 23 || minute > 59 || second > 60) return false;
  std::size_t pos = 8;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    const std::size_t start = pos;
    while (pos < text.size() && is_digit(text[pos])) ++pos;
    if (pos == start) return false;
  }
  if (pos >= text.size()) return false;
  int offset_minutes = 0;
  if (text[pos] == 'Z' || text[pos] == 'z') {
    if (pos + 1 != text.size()) return false;
  } else if (text[pos] == '+' || text[pos] == '-') {
    int offset_hour = 0;
    int offset_minute = 0;
    if (text.size() != pos + 6 || text[pos + 3] != ':') return false;
    if (!read_digits(text, pos + 1, 2, offset_hour) ||
        !read_digits(text, pos + 4, 2, offset_minute)) {
      return false;
    }
    if (offset_hour > 23 || offset_minute > 59) return false;
    offset_minutes = (offset_hour * 60 + offset_minute) * (text[pos] == '+' ? 1 : -1);
  } else {
    return false;
  }
  if (second == 60) {
    int utc = (hour * 60 + minute - offset_minutes) % (24 * 60);
    if (utc < 0) utc += 24 * 60;
    if (utc != 23 * 60 + 59) return false;
  }
  return true;
}

bool is_label(std::string_view label) {
  if (label.empty() || label.size() > 63) return false;
  if (label.front() == '-' || label.back() == '-') return false;
  for (const char c : label) {
    if (!is_alpha(c) && !is_digit(c) && c != '-') return false;
  }
  // "xn--" labels are punycode; others must not have "--" in 3rd/4th place.
  if (label.size() >= 4 && label[2] == '-' && label[3] == '-' &&
      !(label.substr(0, 2) == "xn" || label.substr(0, 2) == "XN")) {
    return false;
  }
  return true;
}

bool is_unreserved(char c) {
  return is_alpha(c) || is_digit(c) || c == '-' || c == '.' || c == '_' || c == '~';
}
bool is_sub_delim(char c) {
  return c == '!' || c == '$' || c == '&' || c == '\'' || c == '(' || c == ')' || c == '*' ||
         c == '+' || c == ',' || c == ';' || c == '=';
}

// Characters allowed in a URI part, with valid %XX escapes and any
// non-ASCII byte refused (an IRI would take them).
bool valid_uri_chars(std::string_view text, std::string_view extra) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size() || !is_hex(text[i + 1]) || !is_hex(text[i + 2])) return false;
      i += 2;
      continue;
    }
    if (is_unreserved(c) || is_sub_delim(c) || extra.find(c) != std::string_view::npos) continue;
    return false;
  }
  return true;
}

bool valid_authority(std::string_view authority) {
  if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
    if (!valid_uri_chars(authority.substr(0, at), ":")) return false;
    authority = authority.substr(at + 1);
  }
  std::string_view host = authority;
  if (!host.empty() && host.front() == '[') {
    const auto close = host.find(']');
    if (close == std::string_view::npos) return false;
    const std::string_view literal = host.substr(1, close - 1);
    if (!is_ipv6(literal) && !(literal.size() > 1 && (literal[0] == 'v' || literal[0] == 'V'))) {
      return false;
    }
    host = host.substr(close + 1);
    if (!host.empty()) {
      if (host.front() != ':') return false;
      for (const char c : host.substr(1)) {
        if (!is_digit(c)) return false;
      }
    }
    return true;
  }
  if (const auto colon = host.rfind(':'); colon != std::string_view::npos) {
    for (const char c : host.substr(colon + 1)) {
      if (!is_digit(c)) return false;
    }
    host = host.substr(0, colon);
  }
  return valid_uri_chars(host, "");
}

bool numeric_in_range(json::Value value, bool is_unsigned, int bits) {
  if (!value.is_number()) return true;
  if (value.is_float()) {
    const double d = value.as_double();
    if (!std::isfinite(d) || std::floor(d) != d) return false;
    const double low = is_unsigned ? 0.0 : -std::ldexp(1.0, bits - 1);
    const double high = is_unsigned ? std::ldexp(1.0, bits) - 1.0 : std::ldexp(1.0, bits - 1) - 1.0;
    return d >= low && d <= high;
  }
  if (!value.fits_int64()) {
    // Beyond int64: only uint64 can still hold it (up to 2^64 - 1).
    if (!is_unsigned || bits != 64) return false;
    const json::IntegerText integer = value.integer_text();
    const std::string_view text = integer.view();
    if (!text.empty() && text.front() == '-') return false;
    constexpr std::string_view max = "18446744073709551615";
    return text.size() < max.size() || (text.size() == max.size() && text <= max);
  }
  const std::int64_t v = value.as_int();
  if (is_unsigned) {
    if (v < 0) return false;
    return bits == 64 || static_cast<std::uint64_t>(v) <= (std::uint64_t{1} << bits) - 1;
  }
  if (bits == 64) return true;
  const std::int64_t limit = std::int64_t{1} << (bits - 1);
  return v >= -limit && v < limit;
}

}  // namespace

Format parse_format(std::string_view name) {
  static constexpr std::array<std::pair<std::string_view, Format>, 24> names = {{
      {"date-time", Format::DateTime},
      {"date", Format::Date},
      {"time", Format::Time},
      {"duration", Format::Duration},
      {"email", Format::Email},
      {"hostname", Format::Hostname},
      {"ipv4", Format::Ipv4},
      {"ipv6", Format::Ipv6},
      {"uri", Format::Uri},
      {"uri-reference", Format::UriReference},
      {"uuid", Format::Uuid},
      {"regex", Format::Regex},
      {"json-pointer", Format::JsonPointer},
      {"relative-json-pointer", Format::RelativeJsonPointer},
      {"int8", Format::Int8},
      {"int16", Format::Int16},
      {"int32", Format::Int32},
      {"int64", Format::Int64},
      {"uint8", Format::Uint8},
      {"uint16", Format::Uint16},
      {"uint32", Format::Uint32},
      {"uint64", Format::Uint64},
      {"uint", Format::Uint},
      {"uint128", Format::Unknown},
  }};
  for (const auto& [text, format] : names) {
    if (text == name) return format;
  }
  return Format::Unknown;
}

std::string_view format_description(Format format) {
  switch (format) {
    case Format::Unknown: return "a value";
    case Format::DateTime: return "a date-time string (RFC 3339, e.g. 2000-01-01T00:00:00Z)";
    case Format::Date: return "a date string (YYYY-MM-DD)";
    case Format::Time: return "a time string (HH:MM:SS with offset)";
    case Format::Duration: return "a duration string (ISO 8601, e.g. P1DT2H)";
    case Format::Email: return "an email address";
    case Format::Hostname: return "a hostname";
    case Format::Ipv4: return "an IPv4 address";
    case Format::Ipv6: return "an IPv6 address";
    case Format::Uri: return "an absolute URI";
    case Format::UriReference: return "a URI reference";
    case Format::Uuid: return "a UUID";
    case Format::Regex: return "a regular expression";
    case Format::JsonPointer: return "a JSON pointer";
    case Format::RelativeJsonPointer: return "a relative JSON pointer";
    case Format::Int8: return "an int8 (-128 to 127)";
    case Format::Int16: return "an int16 (-32768 to 32767)";
    case Format::Int32: return "an int32 (-2147483648 to 2147483647)";
    case Format::Int64: return "an int64";
    case Format::Uint8: return "a uint8 (0 to 255)";
    case Format::Uint16: return "a uint16 (0 to 65535)";
    case Format::Uint32: return "a uint32 (0 to 4294967295)";
    case Format::Uint64: return "a uint64 (0 to 18446744073709551615)";
    case Format::Uint: return "a uint (0 to 18446744073709551615)";
  }
  return "a value";
}

bool check_format(Format format, json::Value value) {
  switch (format) {
    case Format::Unknown: return true;
    case Format::Int8: return numeric_in_range(value, false, 8);
    case Format::Int16: return numeric_in_range(value, false, 16);
    case Format::Int32: return numeric_in_range(value, false, 32);
    case Format::Int64: return numeric_in_range(value, false, 64);
    case Format::Uint8: return numeric_in_range(value, true, 8);
    case Format::Uint16: return numeric_in_range(value, true, 16);
    case Format::Uint32: return numeric_in_range(value, true, 32);
    case Format::Uint64:
    case Format::Uint: return numeric_in_range(value, true, 64);
    default: break;
  }
  if (!value.is_string()) return true;
  const std::string_view text = value.as_string();
  switch (format) {
    case Format::DateTime: return is_date_time(text);
    case Format::Date: return is_date(text);
    case Format::Time: return is_time(text);
    case Format::Duration: return is_duration(text);
    case Format::Email: return is_email(text);
    case Format::Hostname: return is_hostname(text);
    case Format::Ipv4: return is_ipv4(text);
    case Format::Ipv6: return is_ipv6(text);
    case Format::Uri: return is_uri(text, true);
    case Format::UriReference: return is_uri(text, false);
    case Format::Uuid: return is_uuid(text);
    case Format::Regex: return is_regex(text);
    case Format::JsonPointer: return is_json_pointer(text);
    case Format::RelativeJsonPointer: return is_relative_json_pointer(text);
    default: return true;
  }
}

bool is_date_time(std::string_view text) {
  if (text.size() < 20) return false;
  if (text[10] != 'T' && text[10] != 't') return false;
  return parse_full_date(text.substr(0, 10)) && parse_full_time(text.substr(11));
}

bool is_date(std::string_view text) { return parse_full_date(text); }

bool is_time(std::string_view text) { return parse_full_time(text); }

// ISO 8601 durations as RFC 3339 appendix A writes them: P[nY][nM][nD][T[nH][nM][nS]]
// or PnW, at least one element, digits only.
bool is_duration(std::string_view text) {
  if (text.size() < 2 || text[0] != 'P') return false;
  std::size_t pos = 1;
  const auto read_elements = [&](std::string_view units, bool& any) {
    std::size_t unit_index = 0;
    while (pos < text.size() && is_digit(text[pos])) {
      while (pos < text.size() && is_digit(text[pos])) ++pos;
      if (pos >= text.size()) return false;
      const auto found = units.find(text[pos], unit_index);
      if (found == std::string_view::npos) return false;
      unit_index = found + 1;
      ++pos;
      any = true;
    }
    return true;
  };
  if (text.size() > 2 && text.back() == 'W') {
    for (std::size_t i = 1; i + 1 < text.size(); ++i) {
      if (!is_digit(text[i])) return false;
    }
    return true;
  }
  bool any_date = false;
  if (!read_elements("YMD", any_date)) return false;
  if (pos == text.size()) return any_date;
  if (text[pos] != 'T') return false;
  ++pos;
  bool any_time = false;
  if (!read_elements("HMS", any_time)) return false;
  return pos == text.size() && any_time;
}

bool is_email(std::string_view text) {
  const auto at = text.rfind('@');
  if (at == std::string_view::npos || at == 0 || at + 1 >= text.size()) return false;
  const std::string_view local = text.substr(0, at);
  const std::string_view domain = text.substr(at + 1);
  if (local.size() >= 2 && local.front() == '"' && local.back() == '"') {
    // quoted local part: anything printable but unescaped quotes
  } else {
    if (local.front() == '.' || local.back() == '.') return false;
    if (local.find("..") != std::string_view::npos) return false;
    for (const char c : local) {
      if (is_alpha(c) || is_digit(c)) continue;
      if (std::string_view("!#$%&'*+-/=?^_`{|}~.").find(c) == std::string_view::npos) return false;
    }
  }
  if (domain.front() == '[' && domain.back() == ']') {
    const std::string_view literal = domain.substr(1, domain.size() - 2);
    if (literal.starts_with("IPv6:")) return is_ipv6(literal.substr(5));
    return is_ipv4(literal);
  }
  return is_hostname(domain);
}

bool is_hostname(std::string_view text) {
  if (text.empty() || text.size() > 253) return false;
  std::size_t start = 0;
  while (true) {
    const auto dot = text.find('.', start);
    const std::string_view label =
        text.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (!is_label(label)) return false;
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

bool is_ipv4(std::string_view text) {
  int parts = 0;
  std::size_t pos = 0;
  while (true) {
    const std::size_t start = pos;
    int value = 0;
    while (pos < text.size() && is_digit(text[pos])) {
      value = value * 10 + (text[pos] - '0');
      if (value > 255) return false;
      ++pos;
    }
    const std::size_t length = pos - start;
    if (length == 0 || length > 3) return false;
    if (length > 1 && text[start] == '0') return false;
    ++parts;
    if (pos == text.size()) break;
    if (text[pos] != '.' || parts == 4) return false;
    ++pos;
  }
  return parts == 4;
}

bool is_ipv6(std::string_view text) {
  if (text.empty()) return false;
  int groups = 0;
  bool compressed = false;
  std::size_t pos = 0;
  if (text.starts_with("::")) {
    compressed = true;
    pos = 2;
    if (pos == text.size()) return true;
  } else if (text.front() == ':') {
    return false;
  }
  while (pos < text.size()) {
    // An embedded IPv4 address ends the text.
    const auto next_colon = text.find(':', pos);
    const std::string_view piece = text.substr(pos, next_colon == std::string_view::npos
                                                        ? std::string_view::npos
                                                        : next_colon - pos);
    if (next_colon == std::string_view::npos && piece.find('.') != std::string_view::npos) {
      if (!is_ipv4(piece)) return false;
      groups += 2;
      pos = text.size();
      break;
    }
    if (piece.empty() || piece.size() > 4) return false;
    for (const char c : piece) {
      if (!is_hex(c)) return false;
    }
    ++groups;
    pos += piece.size();
    if (pos == text.size()) break;
    // at ':'
    if (pos + 1 < text.size() && text[pos + 1] == ':') {
      if (compressed) return false;
      compressed = true;
      pos += 2;
      if (pos == text.size()) break;
    } else {
      ++pos;
      if (pos == text.size()) return false;  // trailing single ':'
    }
  }
  return compressed ? groups < 8 : groups == 8;
}

bool is_uri(std::string_view text, bool require_scheme) {
  std::string_view rest = text;
  if (const auto hash = rest.find('#'); hash != std::string_view::npos) {
    if (!valid_uri_chars(rest.substr(hash + 1), ":@/?")) return false;
    rest = rest.substr(0, hash);
  }
  if (const auto question = rest.find('?'); question != std::string_view::npos) {
    if (!valid_uri_chars(rest.substr(question + 1), ":@/?")) return false;
    rest = rest.substr(0, question);
  }
  bool has_scheme = false;
  if (const auto colon = rest.find(':'); colon != std::string_view::npos) {
    const auto slash = rest.find('/');
    if (slash == std::string_view::npos || colon < slash) {
      const std::string_view scheme = rest.substr(0, colon);
      if (scheme.empty() || !is_alpha(scheme.front())) return false;
      for (const char c : scheme) {
        if (!is_alpha(c) && !is_digit(c) && c != '+' && c != '-' && c != '.') return false;
      }
      has_scheme = true;
      rest = rest.substr(colon + 1);
    }
  }
  if (require_scheme && !has_scheme) return false;
  if (rest.starts_with("//")) {
    rest = rest.substr(2);
    const auto slash = rest.find('/');
    if (!valid_authority(rest.substr(0, slash))) return false;
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
  }
  return valid_uri_chars(rest, ":@/");
}

bool is_uuid(std::string_view text) {
  if (text.size() != 36) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (text[i] != '-') return false;
    } else if (!is_hex(text[i])) {
      return false;
    }
  }
  return true;
}

bool is_regex(std::string_view text) {
  return compile_ecma_regex(text).has_value();
}

bool is_json_pointer(std::string_view text) {
  if (text.empty()) return true;
  if (text.front() != '/') return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '~') {
      if (i + 1 >= text.size() || (text[i + 1] != '0' && text[i + 1] != '1')) return false;
    }
  }
  return true;
}

bool is_relative_json_pointer(std::string_view text) {
  std::size_t pos = 0;
  while (pos < text.size() && is_digit(text[pos])) ++pos;
  if (pos == 0) return false;
  if (pos > 1 && text[0] == '0') return false;
  const std::string_view rest = text.substr(pos);
  return rest == "#" || is_json_pointer(rest);
}

}  // namespace fixturegen::schema
