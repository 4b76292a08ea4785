#pragma once

#include <fixturegen/core/error.hpp>
#include <fixturegen/json/document.hpp>
#include <fixturegen/scenario/engine_schema_fields.hpp>
#include <fixturegen/scenario/instance_path.hpp>
#include <fixturegen/scenario/scenario_set.hpp>

#include <cstddef>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace fixturegen::scenario {

// What example documents (a scenario's variants, or captures) show at one
// instance path.
struct ShownField {
  KindMask kinds = 0;  // json::Kind bits: Integer and Float apart
  std::set<std::string, std::less<>> values;  // scalar_text() of each value, where asked for
};
using ShownFields = std::map<std::string, ShownField, std::less<>>;

// Instance levels below the root that are compared; deeper values are not
// recorded (a path is as long as its depth, so a 50,000-level capture would
// cost gigabytes in paths; engine output nests a dozen levels).
constexpr std::size_t kMaxShownDepth = 1'000;

// Adds what `document` shows to `shown`: every instance path (objects whose
// path is in `map_paths` contribute `<path>/*`), the kinds at each, and the
// scalar values at the paths in `value_paths` (those with a closed engine
// enum; values elsewhere would only cost memory). Iterative. Returns false
// when the document nests deeper than kMaxShownDepth (the rest is recorded).
bool collect_shown_fields(json::Value document, const PathSet& map_paths, const PathSet& value_paths,
                          ShownFields& shown);

// A disagreement about what values a path holds.
struct TypeFinding {
  enum class Kind {
    KindNotDeclared,     // examples show a kind the engine does not allow (string vs integer)
    IntegerForNumber,    // engine: any number; examples only integers (the compiled schema says integer)
    KindNotShown,        // engine allows a kind (null, most often) no example shows
    EnumValueNotShown,   // engine enum values (or union tags) no example uses
    EnumValueNotDeclared,// examples use a value outside the engine's enum
  };
  std::string path;
  Kind kind = Kind::KindNotDeclared;
  std::string message;              // one line, without the path
  std::vector<std::string> values;  // the kinds or values concerned, as text
};

std::string_view to_string(TypeFinding::Kind kind);  // "kind_not_declared", ...

// One output type: what its engine schema declares against what the examples show.
struct TypeComparison {
  std::string type;
  std::size_t examples = 0;  // documents compared: variants, or captures
  std::size_t declared = 0;  // engine-declared paths below the root
  std::size_t shown = 0;     // of those, how many the examples show
  std::vector<std::string> missing;  // declared, never shown (sorted, children included)
  std::vector<std::string> extra;    // shown, not declared and not below an open field (sorted)
  std::vector<TypeFinding> findings; // by path
  // What could not be compared: parts of the schema the walk could not
  // follow, examples nested too deep.
  std::vector<std::string> problems;
};

// Compares one type's declared fields with what its examples show.
TypeComparison compare_fields(std::string type, const EngineSchemaFields& declared, const ShownFields& shown);

// `fixturegen schemas --compare DIR`: every scenario against the engine
// schema of its type in DIR.
struct SchemaComparison {
  std::string schemas_dir;
  std::vector<TypeComparison> types;                   // types with both, by name
  std::vector<std::string> engine_types_without_scenario;  // sorted
  std::vector<std::string> scenarios_without_engine_schema;  // sorted
};

// The schema of a scenario's type is schema_file_in(dir, name), the file
// `validate --schemas DIR` validates that type's captures against.
// The scenario's `map` annotations and the engine's maps both make members
// `*`. A scenario describes what its variants show plus what its `nullable`
// and `enum` annotations allow (the compiled schema allows it too).
Expected<SchemaComparison> compare_with_engine_schemas(const ScenarioSet& scenarios,
                                                       const std::filesystem::path& dir);

// Reads and walks one engine schema file; nothing when it does not exist.
Expected<std::optional<EngineSchemaFields>> load_engine_schema_fields(const std::filesystem::path& file);

// `fixturegen validate --coverage --schemas DIR`: what each captured type's
// engine schema declares that no capture shows. Feed it every capture with
// the type it was matched to; schemas are read once per type, on first use.
// Not thread-safe: `validate` calls add() under its coverage lock.
class EngineFieldCoverage {
public:
  explicit EngineFieldCoverage(std::filesystem::path dir) : m_dir(std::move(dir)) {}

  // Fails only when the type's schema exists and cannot be read or parsed.
  Expected<void> add(json::Value capture, const std::string& type);

  // One comparison per captured type with an engine schema, by name;
  // `shown` counts the declared fields some capture shows.
  std::vector<TypeComparison> report() const;

private:
  struct PerType {
    std::optional<EngineSchemaFields> declared;  // nothing: no schema file
    PathSet map_paths;
    PathSet enum_paths;
    ShownFields shown;
    std::size_t captures = 0;
    std::size_t too_deep = 0;  // captures nested deeper than kMaxShownDepth
  };
  std::filesystem::path m_dir;
  std::map<std::string, PerType, std::less<>> m_types;
};

}  // namespace fixturegen::scenario
