#include "describe.hpp"
#include "program.hpp"  // TypeBit

#include <fixturegen/json/pointer.hpp>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <optional>

namespace fixturegen::schema {

namespace {

void append_string(std::string& out, std::string_view text, std::size_t limit) {
  out += '"';
  for (const char c : text) {
    if (out.size() > limit) {
      out += "...";
      return;
    }
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          static constexpr char hex[] = "0123456789abcdef";
          out += "\\u00";
          out += hex[(static_cast<unsigned char>(c) >> 4) & 0xF];
          out += hex[static_cast<unsigned char>(c) & 0xF];
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

void append_number(std::string& out, json::Value value) {
  if (value.is_integer()) {
    const json::IntegerText text = value.integer_text();
    out.append(text.view());
    return;
  }
  char buffer[32];
  const double d = value.as_double();
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, d);
  const std::string_view text(buffer, static_cast<std::size_t>(result.ptr - buffer));
  out.append(text);
  // Keep the float-ness visible, as Python prints 1.0.
  if (text.find_first_of(".eEn") == std::string_view::npos) out += ".0";
}

// Recursion is bounded: every level writes at least one character and the
// walk stops once past the limit.
void append_value(std::string& out, json::Value value, std::size_t limit) {
  if (out.size() > limit) return;
  switch (value.kind()) {
    case json::Kind::Null: out += "null"; return;
    case json::Kind::Bool: out += value.as_bool() ? "true" : "false"; return;
    case json::Kind::Integer:
    case json::Kind::Float: append_number(out, value); return;
    case json::Kind::String: append_string(out, value.as_string(), limit); return;
    case json::Kind::Array: {
      out += '[';
      bool first = true;
      for (const json::Value element : value.elements()) {
        if (out.size() > limit) return;
        if (!first) out += ", ";
        first = false;
        append_value(out, element, limit);
      }
      out += ']';
      return;
    }
    case json::Kind::Object: {
      out += '{';
      bool first = true;
      for (const auto member : value.members()) {
        if (out.size() > limit) return;
        if (!first) out += ", ";
        first = false;
        append_string(out, member.key, limit);
        out += ": ";
        append_value(out, member.value, limit);
      }
      out += '}';
      return;
    }
  }
}

void append_limited(std::string& out, json::Value value, std::size_t limit) {
  append_value(out, value, limit);
  if (out.size() > limit && !out.ends_with("...")) out += "...";
}

}  // namespace

std::string compact_json(json::Value value, std::size_t limit) {
  std::string out;
  append_limited(out, value, limit);
  return out;
}

std::string quote(std::string_view text, std::size_t limit) {
  std::string out;
  append_string(out, text, limit);
  return out;
}

std::string_view type_word(json::Value value) {
  switch (value.kind()) {
    case json::Kind::Null: return "null";
    case json::Kind::Bool: return "boolean";
    case json::Kind::Integer: return "integer";
    case json::Kind::Float: return "number";
    case json::Kind::String: return "string";
    case json::Kind::Array: return "array";
    case json::Kind::Object: return "object";
  }
  return "value";
}

std::string found(json::Value value) {
  if (value.is_null()) return "null";
  std::string out(type_word(value));
  out += ' ';
  append_limited(out, value, out.size() + 60);
  return out;
}

std::string type_names(std::uint8_t mask) {
  // "number" already admits integers.
  if ((mask & kNumberBit) != 0) mask = static_cast<std::uint8_t>(mask & ~kIntegerBit);
  static constexpr std::pair<std::uint8_t, std::string_view> names[] = {
      {kObjectBit, "object"},   {kArrayBit, "array"},   {kStringBit, "string"},
      {kIntegerBit, "integer"}, {kNumberBit, "number"}, {kBooleanBit, "boolean"},
      {kNullBit, "null"}};
  std::vector<std::string_view> parts;
  for (const auto& [bit, name] : names) {
    if ((mask & bit) != 0) parts.push_back(name);
  }
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += (i + 1 == parts.size()) ? " or " : ", ";
    out += parts[i];
  }
  return out;
}

std::string plural(std::uint64_t count, std::string_view word) {
  std::string out = std::to_string(count);
  out += ' ';
  if (count == 1) {
    out += word;
  } else if (word == "property") {
    out += "properties";
  } else {
    out += word;
    out += 's';
  }
  return out;
}

std::string number_text(json::Value number) {
  if (number.is_float() && is_integral(number) && std::abs(number.as_double()) < 1e15) {
    return std::to_string(static_cast<long long>(number.as_double()));
  }
  return compact_json(number);
}

std::string pointer_to(json::Value root, json::Value target) {
  std::string out;
  const std::uint32_t want = target.index();
  json::Value node = root;
  // The tape is in document order: the child holding `want` is the last
  // one that starts at or before it.
  while (node.index() != want) {
    if (node.is_object()) {
      std::optional<json::Value::Member> holder;
      for (const auto member : node.members()) {
        if (member.value.index() > want) break;
        holder = member;
      }
      if (!holder) break;
      out += '/';
      out += json::escape_pointer_token(holder->key);
      node = holder->value;
    } else if (node.is_array()) {
      std::optional<json::Value> holder;
      std::size_t position = 0;
      std::size_t i = 0;
      for (const json::Value element : node.elements()) {
        if (element.index() > want) break;
        holder = element;
        position = i++;
      }
      if (!holder) break;
      out += '/';
      out += std::to_string(position);
      node = *holder;
    } else {
      break;
    }
  }
  return out;
}

}  // namespace fixturegen::schema
