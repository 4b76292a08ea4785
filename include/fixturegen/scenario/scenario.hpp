#pragma once

#include <fixturegen/core/error.hpp>
#include <fixturegen/json/document.hpp>
#include <fixturegen/scenario/output_type.hpp>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fixturegen::scenario {

// What examples cannot say about one instance path (docs/scenario-format.md,
// `annotations`). Values point into the scenario's document.
struct Annotation {
  std::string path;                     // instance path, as written
  std::optional<json::Value> enum_values;  // a non-empty array
  bool map = false;
  bool optional = false;
  bool required = false;
  bool nullable = false;
  bool open = false;
  bool signed_integers = false;  // `signed`: integers here may be negative
  std::optional<json::Value> minimum;  // numbers, kept exact
  std::optional<json::Value> maximum;
  std::optional<std::string> description;
  std::optional<std::string> format;
  // `discriminator` (objects): not written = detect; an empty optional
  // inside = `false`, none here; else the key whose value names the kind.
  std::optional<std::optional<std::string>> discriminator;
};

// One named example output.
struct Variant {
  std::string name;
  json::Value value;  // an object, inside Scenario::document
};

// One scenario file: one output type of the Rocky CLI.
struct Scenario {
  std::string name;
  std::string description;
  std::filesystem::path file;  // as found, for messages
  MatchRule match;
  std::vector<Annotation> annotations;  // in file order
  std::vector<Variant> variants;        // in file order
  // Owns every json::Value above; shared so that a Scenario copies cheaply.
  std::shared_ptr<const json::Document> document;

  const Annotation* annotation(std::string_view path) const;
};

// Parses and checks one scenario file's text: strict about keys (an unknown
// one is an error, with the file, the JSON Pointer and what to do), `name`
// equal to the file's stem, at least two variants, every variant matched by
// `match`, every annotation path matching something in some variant and
// fitting what is there. Every problem in the file is reported in one Error.
Expected<Scenario> parse_scenario(std::string_view text, const std::filesystem::path& file);

}  // namespace fixturegen::scenario
