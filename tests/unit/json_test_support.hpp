#pragma once

#include "support.hpp"

// Helpers for the JSON and normalizer tests: the committed test data, a
// handler that records events as text, and parse-or-fail shorthands.

#include <fixturegen/json/document.hpp>
#include <fixturegen/json/handler.hpp>
#include <fixturegen/json/python_writer.hpp>
#include <fixturegen/json/reader.hpp>

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace fixturegen::test {

// `text` parsed into a shared document (what Validator::compile takes), or
// the test fails there, showing the text.
inline std::shared_ptr<const json::Document> parse_document(std::string_view text) {
  auto document = std::make_shared<json::Document>();
  const auto error = json::Document::parse(text, *document);
  INFO(std::string(text));
  REQUIRE_FALSE(error.has_value());
  return document;
}

// tests/data, wherever the test binary runs from.
inline std::filesystem::path test_data_dir() { return source_dir() / "tests" / "data"; }

// Records every event as one short string: "i:42", "I:123456789012345678901" (an integer that
// does not fit in 64 bits), "f:<repr>", "s:text", "k:name", "{", "}", "[", "]", "null", "true".
class EventRecorder final : public json::JsonHandler {
public:
  std::vector<std::string> events;
  // Stop (return false) at this event number, to test consumer stops.
  std::size_t stop_at = static_cast<std::size_t>(-1);

  bool null_value() override { return add("null"); }
  bool bool_value(bool value) override { return add(value ? "true" : "false"); }
  bool integer_value(std::string_view text, std::int64_t value, bool fits) override {
    if (fits) {
      CHECK(std::to_string(value) == text);
      return add("i:" + std::string(text));
    }
    return add("I:" + std::string(text));
  }
  bool float_value(double value) override { return add("f:" + json::python_float_repr(value)); }
  bool string_value(std::string_view value) override { return add("s:" + std::string(value)); }
  bool begin_object() override { return add("{"); }
  bool key(std::string_view name) override { return add("k:" + std::string(name)); }
  bool end_object() override { return add("}"); }
  bool begin_array() override { return add("["); }
  bool end_array() override { return add("]"); }
  std::string stop_reason() const override { return "recorder told to stop"; }

private:
  bool add(std::string event) {
    events.push_back(std::move(event));
    return events.size() < stop_at;
  }
};

// Counts events and tracks depth without storing anything (deep documents).
class DepthCounter final : public json::JsonHandler {
public:
  std::size_t events = 0;
  std::size_t depth = 0;
  std::size_t max_depth = 0;
  bool null_value() override { return ++events, true; }
  bool bool_value(bool) override { return ++events, true; }
  bool integer_value(std::string_view, std::int64_t, bool) override { return ++events, true; }
  bool float_value(double) override { return ++events, true; }
  bool string_value(std::string_view) override { return ++events, true; }
  bool begin_object() override { return open(); }
  bool key(std::string_view) override { return ++events, true; }
  bool end_object() override { return close(); }
  bool begin_array() override { return open(); }
  bool end_array() override { return close(); }

private:
  bool open() {
    ++events;
    if (++depth > max_depth) max_depth = depth;
    return true;
  }
  bool close() {
    ++events;
    --depth;
    return true;
  }
};

// Test input as a failure message shows it: long inputs cut short.
inline std::string shown(std::string_view text) {
  if (text.size() <= 200) return std::string(text);
  return std::string(text.substr(0, 200)) + "... (" + std::to_string(text.size()) + " bytes)";
}

inline std::vector<std::string> record(std::string_view text) {
  EventRecorder recorder;
  const auto error = json::read_json(text, recorder);
  INFO("input: " << shown(text));
  REQUIRE_FALSE(error.has_value());
  return recorder.events;
}

inline json::ParseError refusal(std::string_view text, const json::ReaderOptions& options = {}) {
  EventRecorder recorder;
  auto error = json::read_json(text, recorder, options);
  INFO("input: " << shown(text));
  REQUIRE(error.has_value());
  return *error;
}

// Parses `text` and writes it back the way Python's json.dump(indent=2) does.
inline std::string python_json(std::string_view text) {
  json::Document doc;
  const auto error = json::Document::parse(text, doc);
  INFO("input: " << shown(text) << (error ? "\nerror: " + error->to_string() : std::string()));
  REQUIRE_FALSE(error.has_value());
  return json::to_python_json(doc.root());
}

// `depth` nested arrays around an empty one, as Python's indent=2 writes them.
inline std::string python_nested_arrays(std::size_t depth) {
  std::string out;
  for (std::size_t level = 0; level + 1 < depth; ++level) {
    out.append(2 * level, ' ');
    out += "[\n";
  }
  out.append(2 * (depth - 1), ' ');
  out += "[]";
  for (std::size_t level = depth - 1; level-- > 0;) {
    out += '\n';
    out.append(2 * level, ' ');
    out += ']';
  }
  out += '\n';
  return out;
}

}  // namespace fixturegen::test
