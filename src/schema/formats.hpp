#pragma once

#include <fixturegen/json/document.hpp>

#include <cstdint>
#include <string_view>

namespace fixturegen::schema {

// The `format` values the validator knows how to check. Anything else is an
// annotation only (the engine writes Rust type names such as "uint64"; the
// ones listed below are range-checked, the rest pass).
enum class Format : std::uint8_t {
  Unknown,
  DateTime,
  Date,
  Time,
  Duration,
  Email,
  Hostname,
  Ipv4,
  Ipv6,
  Uri,
  UriReference,
  Uuid,
  Regex,
  JsonPointer,
  RelativeJsonPointer,
  // Rust integer widths as schemars writes them.
  Int8,
  Int16,
  Int32,
  Int64,
  Uint8,
  Uint16,
  Uint32,
  Uint64,
  Uint,  // usize: checked as uint64
};

Format parse_format(std::string_view name);

// Whether `value` satisfies `format`. Values of a type the format does not
// describe pass (string formats ignore numbers and the other way round).
bool check_format(Format format, json::Value value);

// Human text for messages: "a date-time string", "a uint32 (0 to 4294967295)".
std::string_view format_description(Format format);

// The string checks on their own, for tests.
bool is_date_time(std::string_view text);
bool is_date(std::string_view text);
bool is_time(std::string_view text);
bool is_duration(std::string_view text);
bool is_email(std::string_view text);
bool is_hostname(std::string_view text);
bool is_ipv4(std::string_view text);
bool is_ipv6(std::string_view text);
bool is_uri(std::string_view text, bool require_scheme);
bool is_uuid(std::string_view text);
bool is_regex(std::string_view text);
bool is_json_pointer(std::string_view text);
bool is_relative_json_pointer(std::string_view text);

}  // namespace fixturegen::schema
