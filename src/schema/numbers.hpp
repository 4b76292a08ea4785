#pragma once

#include <fixturegen/json/document.hpp>

#include <cstdint>

namespace fixturegen::schema {

// A schema number (minimum, maximum, ...) prepared for comparisons that are
// exact whenever both sides are 64-bit integers.
struct Bound {
  double value = 0.0;
  std::int64_t integer = 0;
  bool is_integer = false;  // integral and within int64
};
Bound make_bound(json::Value number);

// <0, 0, >0 as `number` compares to `bound`.
int compare_to_bound(json::Value number, const Bound& bound);

// Integer or a float with no fractional part (JSON Schema's "integer").
bool is_integral(json::Value number);

// A `multipleOf` divisor as a decimal: mantissa * 10^exponent, so that
// 0.0075 / 0.0001 is decided exactly instead of through binary floats.
struct Divisor {
  std::uint64_t mantissa = 0;  // no trailing zeros; 0 = use `value`
  int exponent = 0;
  double value = 0.0;
};
Divisor make_divisor(json::Value number);
bool is_multiple_of(json::Value number, const Divisor& divisor);

// Non-negative integer keyword values ("maxItems": 2 or 2.0). Returns false
// for anything else.
bool read_count(json::Value value, std::uint64_t& out);

}  // namespace fixturegen::schema
