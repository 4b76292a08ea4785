#pragma once

#include <fixturegen/core/error.hpp>
#include <fixturegen/scenario/scenario_set.hpp>
#include <fixturegen/scenario/type_schemas.hpp>
#include <fixturegen/schema/program_cache.hpp>
#include <fixturegen/schema/validator.hpp>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace fixturegen::scenario {

// Where `validate` takes its schemas from: compiled in memory from the
// scenarios (the default), or ready-made `<type>.schema.json` files in a
// directory (`--schemas DIR`, e.g. the engine's published ones).
struct SchemaSourceOptions {
  std::string scenarios_dir;
  bool scenarios_given = false;  // --scenarios was passed explicitly
  std::string schemas_dir;       // empty: compile from the scenarios
  schema::ValidatorOptions validator;
  // Directory mode: compiled schema files kept between runs.
  schema::ProgramCache cache;
};

struct SchemaSource {
  // Loaded when schemas are compiled from them; with a schema directory only
  // when asked for or present, since they then only help pick types (the
  // engine's naming convention fills in for what they do not cover). Held by
  // pointer so that a CoverageTracker can keep pointing at it.
  std::unique_ptr<ScenarioSet> scenarios;
  std::unique_ptr<TypeSchemas> schemas;
  std::string schemas_dir;  // --schemas DIR; empty when compiled from the scenarios
  // The directory whose `<type>.schema.json` the schema pointers of a
  // violation refer to: schemas_dir, or the project's schemas/ (what
  // `fixturegen schemas` writes) for the project's scenarios; empty for
  // scenarios from elsewhere, compiled in memory: pointers stand alone.
  std::string schema_file_dir;

  bool from_directory() const { return !schemas_dir.empty(); }
  // "schemas/run.schema.json" for a type, or "" (see schema_file_dir).
  std::string schema_file(std::string_view type) const;
  // One line for --verbose: where the schemas and the type matching come from.
  std::string describe() const;
};

// Loads the scenarios and schemas the options ask for. Errors: a scenario
// that does not load or a schema that does not compile is Config; a file that
// cannot be read is Io. In directory mode schemas are compiled on first use,
// so their errors come per capture from TypeSchemas::check.
Expected<SchemaSource> open_schema_source(const SchemaSourceOptions& options);

}  // namespace fixturegen::scenario
