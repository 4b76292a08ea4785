#include "numbers.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <string_view>
#include <system_error>

namespace fixturegen::schema {

namespace {

constexpr double kTwo63 = 9223372036854775808.0;

// Significant digits (no sign, no trailing zeros) and a decimal exponent.
struct DecimalView {
  std::string_view digits;
  int exponent = 0;
  bool zero = false;
};

// `buffer` must outlive the view (floats are printed into it).
DecimalView decimal_of(json::Value number, char (&buffer)[64]) {
  DecimalView view;
  if (number.is_integer()) {
    // A fitting integer's digits live in `integer`, which ends here: they
    // are copied into the caller's buffer. Bigger ones live in the document.
    const json::IntegerText integer = number.integer_text();
    std::string_view text = integer.view();
    if (number.fits_int64()) {
      text = std::string_view(buffer, static_cast<std::size_t>(std::copy(text.begin(), text.end(), buffer) - buffer));
    }
    if (!text.empty() && text.front() == '-') text.remove_prefix(1);
    view.digits = text;
  } else {
    const double value = std::fabs(number.as_double());
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value,
                                      std::chars_format::scientific);
    // "d.ddddde+XX": gather digits in place, then read the exponent.
    char* out = buffer;
    const char* p = buffer;
    while (p < result.ptr && *p != 'e') {
      if (*p != '.') *out++ = *p;
      ++p;
    }
    int exponent = 0;
    if (p < result.ptr) std::from_chars(p + (p[1] == '+' ? 2 : 1), result.ptr, exponent);
    view.digits = std::string_view(buffer, static_cast<std::size_t>(out - buffer));
    view.exponent = exponent - static_cast<int>(view.digits.size() - 1);
  }
  while (view.digits.size() > 1 && view.digits.back() == '0') {
    view.digits.remove_suffix(1);
    ++view.exponent;
  }
  while (view.digits.size() > 1 && view.digits.front() == '0') view.digits.remove_prefix(1);
  view.zero = view.digits == "0";
  return view;
}

}  // namespace

Bound make_bound(json::Value number) {
  Bound bound;
  bound.value = number.as_double();
  if (number.is_integer() && number.fits_int64()) {
    bound.integer = number.as_int();
    bound.is_integer = true;
  } else if (std::isfinite(bound.value) && std::floor(bound.value) == bound.value &&
             bound.value >= -kTwo63 && bound.value < kTwo63) {
    bound.integer = static_cast<std::int64_t>(bound.value);
    bound.is_integer = true;
  }
  return bound;
}

int compare_to_bound(json::Value number, const Bound& bound) {
  if (bound.is_integer && number.is_integer() && number.fits_int64()) {
    const std::int64_t value = number.as_int();
    return value < bound.integer ? -1 : (value > bound.integer ? 1 : 0);
  }
  const double value = number.as_double();
  return value < bound.value ? -1 : (value > bound.value ? 1 : 0);
}

bool is_integral(json::Value number) {
  if (number.is_integer()) return true;
  if (!number.is_float()) return false;
  const double value = number.as_double();
  return std::isfinite(value) && std::floor(value) == value;
}

Divisor make_divisor(json::Value number) {
  Divisor divisor;
  divisor.value = number.as_double();
  char buffer[64];
  const DecimalView view = decimal_of(number, buffer);
  // Up to 18 digits the remainder arithmetic below cannot overflow.
  if (view.zero || view.digits.size() > 18) return divisor;
  std::uint64_t mantissa = 0;
  for (const char c : view.digits) mantissa = mantissa * 10 + static_cast<std::uint64_t>(c - '0');
  divisor.mantissa = mantissa;
  divisor.exponent = view.exponent;
  return divisor;
}

bool is_multiple_of(json::Value number, const Divisor& divisor) {
  if (divisor.mantissa == 0) {
    const double quotient = number.as_double() / divisor.value;
    return std::isfinite(quotient) && std::floor(quotient) == quotient;
  }
  char buffer[64];
  const DecimalView view = decimal_of(number, buffer);
  if (view.zero) return true;
  // digits * 10^e1 / (m * 10^e2) is an integer iff digits * 10^(e1-e2) is a
  // multiple of m; with no trailing zeros left, e1 < e2 never divides.
  const long shift = static_cast<long>(view.exponent) - divisor.exponent;
  if (shift < 0) return false;
  std::uint64_t remainder = 0;
  for (const char c : view.digits) {
    remainder = (remainder * 10 + static_cast<std::uint64_t>(c - '0')) % divisor.mantissa;
  }
  for (long i = 0; i < shift && remainder != 0; ++i) remainder = remainder * 10 % divisor.mantissa;
  return remainder == 0;
}

bool read_count(json::Value value, std::uint64_t& out) {
  if (value.is_integer()) {
    if (!value.fits_int64() || value.as_int() < 0) return false;
    out = static_cast<std::uint64_t>(value.as_int());
    return true;
  }
  if (value.is_float()) {
    const double d = value.as_double();
    if (!std::isfinite(d) || d < 0 || std::floor(d) != d || d >= 1.8e19) return false;
    out = static_cast<std::uint64_t>(d);
    return true;
  }
  return false;
}

}  // namespace fixturegen::schema
