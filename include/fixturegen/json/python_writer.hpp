#pragma once

#include <fixturegen/json/handler.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace fixturegen::json {

class Value;

// Writes events as exactly the bytes of Python's `json.dump(obj, f, indent=2)`
// (ensure_ascii: every non-ASCII character and DEL as a lowercase \uXXXX
// escape, surrogate pairs above U+FFFF; separators ", " and ": "; floats in
// repr form; empty containers as [] and {}). That byte layout is what Rocky
// commits, so fixtures written here diff cleanly against the old pipeline.
class PythonJsonWriter final : public JsonHandler {
public:
  // Appends to `out`; `indent` spaces per level (Python's indent=2).
  explicit PythonJsonWriter(std::string& out, int indent = 2);

  bool null_value() override;
  bool bool_value(bool value) override;
  bool integer_value(std::string_view text, std::int64_t value, bool fits) override;
  bool float_value(double value) override;
  bool string_value(std::string_view value) override;
  bool begin_object() override;
  bool key(std::string_view name) override;
  bool end_object() override;
  bool begin_array() override;
  bool end_array() override;

private:
  void before_value();
  void newline_and_indent(std::size_t depth);
  bool close_container(char bracket);

  std::string& m_out;
  int m_indent;
  // Per open container: has it written a first item yet?
  std::vector<bool> m_has_items;
  bool m_after_key = false;
};

// Appends `value` as a JSON string literal with Python's ensure_ascii escaping.
void append_python_string(std::string& out, std::string_view value);

// Python's repr(float): shortest round-trip digits; exponent form below 1e-4
// and from 1e16 up ("1e-05", "1e+16"), ".0" on integral values ("-0.0").
// NaN and infinities are never passed here: the reader refuses them.
void append_python_float(std::string& out, double value);
std::string python_float_repr(double value);

// The whole document as Python writes it, with the trailing newline that
// Rocky's pipeline adds after json.dump.
std::string to_python_json(Value value);

}  // namespace fixturegen::json
