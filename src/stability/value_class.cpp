#include <fixturegen/stability/value_class.hpp>

#include <algorithm>
#include <cctype>

namespace fixturegen::stability {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// `count` digits at `pos`, advancing it.
bool digits(std::string_view text, std::size_t& pos, std::size_t count) {
  if (pos + count > text.size()) return false;
  for (std::size_t i = 0; i < count; ++i) {
    if (!is_digit(text[pos + i])) return false;
  }
  pos += count;
  return true;
}

bool literal(std::string_view text, std::size_t& pos, char c) {
  if (pos >= text.size() || text[pos] != c) return false;
  ++pos;
  return true;
}

// YYYY-MM-DD with a month 01-12 and a day 01-31.
bool date_at(std::string_view text, std::size_t& pos) {
  const std::size_t start = pos;
  if (!digits(text, pos, 4) || !literal(text, pos, '-') || !digits(text, pos, 2) || !literal(text, pos, '-') ||
      !digits(text, pos, 2)) {
    return false;
  }
  const int month = (text[start + 5] - '0') * 10 + (text[start + 6] - '0');
  const int day = (text[start + 8] - '0') * 10 + (text[start + 9] - '0');
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

bool contains_folded(std::string_view haystack, std::string_view needle) {
  return std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(), [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
         }) != haystack.end();
}

// A DNS-like label sequence: letters, digits, '-' and '.', starting with a
// letter or digit; at most 253 characters.
bool looks_like_host(std::string_view text) {
  if (text.empty() || text.size() > 253 || !(is_alpha(text[0]) || is_digit(text[0]))) return false;
  return std::all_of(text.begin(), text.end(), [](char c) { return is_alpha(c) || is_digit(c) || c == '-' || c == '.'; });
}

}  // namespace

std::string_view value_class_name(ValueClass value_class) {
  switch (value_class) {
    case ValueClass::Timestamp: return "timestamp";
    case ValueClass::Date: return "date";
    case ValueClass::Duration: return "duration-like number";
    case ValueClass::Uuid: return "uuid";
    case ValueClass::RunId: return "run id";
    case ValueClass::Semver: return "version";
    case ValueClass::HexDigest: return "hex digest";
    case ValueClass::HostName: return "host name";
    case ValueClass::TempPath: return "temp path";
    case ValueClass::ArrayOrder: return "array order";
    case ValueClass::KeyOrder: return "key order";
    case ValueClass::Other: return "unclassified";
  }
  return "unclassified";
}

bool is_iso_date(std::string_view text) {
  std::size_t pos = 0;
  return date_at(text, pos) && pos == text.size();
}

bool is_iso_timestamp(std::string_view text) {
  std::size_t pos = 0;
  if (!date_at(text, pos)) return false;
  if (pos >= text.size() || (text[pos] != 'T' && text[pos] != 't' && text[pos] != ' ')) return false;
  ++pos;
  if (!digits(text, pos, 2) || !literal(text, pos, ':') || !digits(text, pos, 2)) return false;
  if (literal(text, pos, ':')) {
    if (!digits(text, pos, 2)) return false;
    if (literal(text, pos, '.') || literal(text, pos, ',')) {
      const std::size_t fraction = pos;
      while (pos < text.size() && is_digit(text[pos])) ++pos;
      if (pos == fraction) return false;
    }
  }
  if (pos == text.size()) return true;  // local time, no offset
  if (text[pos] == 'Z' || text[pos] == 'z') return pos + 1 == text.size();
  if (text[pos] != '+' && text[pos] != '-') return false;
  ++pos;
  if (!digits(text, pos, 2)) return false;
  literal(text, pos, ':');
  return digits(text, pos, 2) && pos == text.size();
}

bool is_uuid(std::string_view text) {
  if (text.size() != 36) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? text[i] != '-' : !is_hex(text[i])) return false;
  }
  return true;
}

std::string run_id_prefix(std::string_view text) {
  // The stamp is the last 19 characters: -YYYYMMDD-HHMMSS-NNN (NNN may be longer).
  const std::size_t dash = text.rfind('-');
  if (dash == std::string_view::npos || dash + 4 > text.size()) return {};
  std::size_t pos = dash + 1;
  while (pos < text.size() && is_digit(text[pos])) ++pos;
  if (pos != text.size()) return {};
  if (dash < 16) return {};
  std::size_t stamp = dash - 16;  // -YYYYMMDD-HHMMSS
  std::size_t p = stamp;
  if (!literal(text, p, '-') || !digits(text, p, 8) || !literal(text, p, '-') || !digits(text, p, 6) || p != dash) return {};
  const std::string_view prefix = text.substr(0, stamp);
  if (prefix.empty() || !is_alpha(prefix[0])) return {};
  if (!std::all_of(prefix.begin(), prefix.end(), [](char c) { return is_alpha(c) || is_digit(c) || c == '_'; })) return {};
  return std::string(prefix);
}

bool is_run_id(std::string_view text) { return !run_id_prefix(text).empty(); }

bool is_semver(std::string_view text) {
  std::size_t pos = !text.empty() && text[0] == 'v' ? 1 : 0;
  for (int part = 0; part < 3; ++part) {
    const std::size_t start = pos;
    while (pos < text.size() && is_digit(text[pos])) ++pos;
    if (pos == start) return false;
    if (part < 2 && !literal(text, pos, '.')) return false;
  }
  if (pos == text.size()) return true;
  if (text[pos] != '-' && text[pos] != '+') return false;
  ++pos;
  if (pos == text.size()) return false;
  return std::all_of(text.begin() + static_cast<std::ptrdiff_t>(pos), text.end(),
                     [](char c) { return is_alpha(c) || is_digit(c) || c == '.' || c == '-' || c == '+'; });
}

bool is_hex_digest(std::string_view text) {
  std::string_view digest = text;
  for (std::string_view prefix : {"sha256:", "sha1:", "md5:"}) {
    if (digest.starts_with(prefix)) digest.remove_prefix(prefix.size());
  }
  if (digest.size() < 7 || !std::all_of(digest.begin(), digest.end(), is_hex)) return false;
  // Seven digits could be a count; a letter (or the length of a real hash) says digest.
  const bool has_letter = std::any_of(digest.begin(), digest.end(), [](char c) { return !is_digit(c); });
  return has_letter || digest.size() >= 32;
}

std::vector<std::string> version_numbers_in(std::string_view text) {
  std::vector<std::string> versions;
  std::size_t pos = 0;
  while (pos < text.size()) {
    while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\t' || text[pos] == '\n' || text[pos] == '(' ||
                                 text[pos] == ')' || text[pos] == ',')) {
      ++pos;
    }
    const std::size_t start = pos;
    while (pos < text.size() && text[pos] != ' ' && text[pos] != '\t' && text[pos] != '\n' && text[pos] != '(' &&
           text[pos] != ')' && text[pos] != ',') {
      ++pos;
    }
    std::string_view word = text.substr(start, pos - start);
    if (word.starts_with("v")) word.remove_prefix(1);
    if (is_semver(word)) versions.emplace_back(word);
  }
  return versions;
}

ValueClass classify_string(std::string_view text, std::string_view key, const ClassifyContext& context) {
  if (is_run_id(text)) return ValueClass::RunId;
  if (is_uuid(text)) return ValueClass::Uuid;
  if (is_iso_timestamp(text)) return ValueClass::Timestamp;
  if (is_iso_date(text)) return ValueClass::Date;
  if (is_semver(text)) return ValueClass::Semver;
  for (const std::string& root : context.temp_roots) {
    if (!root.empty() && text.find(root) != std::string_view::npos) return ValueClass::TempPath;
  }
  if (text.starts_with("/tmp/") || text.starts_with("/var/tmp/")) return ValueClass::TempPath;
  for (const std::string& version : context.engine_versions) {
    if (!version.empty() && (text == version || (text.size() == version.size() + 1 && text[0] == 'v' && text.substr(1) == version))) {
      return ValueClass::Semver;
    }
  }
  for (const std::string& host : context.host_names) {
    if (!host.empty() && (text == host || (text.starts_with(host) && text.size() > host.size() && text[host.size()] == '.'))) {
      return ValueClass::HostName;
    }
  }
  if (contains_folded(key, "host") && looks_like_host(text)) return ValueClass::HostName;
  if (is_hex_digest(text)) return ValueClass::HexDigest;
  return ValueClass::Other;
}

}  // namespace fixturegen::stability
