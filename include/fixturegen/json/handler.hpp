#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace fixturegen::json {

// The events of one JSON document, in document order. The reader produces
// them, the Python-compatible writer and the Document builder consume them,
// and the normalizer sits between the two. Strings arrive decoded (WTF-8:
// UTF-8 that may carry lone surrogates from \uD800-style escapes, which
// Python's json keeps and so must we).
//
// Every method returns false to stop the parse; the handler then owns the
// reason (see `JsonReader`).
class JsonHandler {
public:
  virtual ~JsonHandler() = default;

  virtual bool null_value() = 0;
  virtual bool bool_value(bool value) = 0;
  // An integer as written (no fraction, no exponent). `fits` says whether
  // `value` holds it exactly; when not, only `text` is exact (beyond 64 bits).
  virtual bool integer_value(std::string_view text, std::int64_t value, bool fits) = 0;
  // A number with a fraction or an exponent, parsed to the nearest double.
  virtual bool float_value(double value) = 0;
  virtual bool string_value(std::string_view value) = 0;

  virtual bool begin_object() = 0;
  virtual bool key(std::string_view name) = 0;
  virtual bool end_object() = 0;
  virtual bool begin_array() = 0;
  virtual bool end_array() = 0;

  // Why the last `false` was returned; the reader reports it with the position.
  virtual std::string stop_reason() const { return "stopped by the consumer"; }
};

}  // namespace fixturegen::json
