#pragma once

#include <fixturegen/core/error.hpp>
#include <fixturegen/json/document.hpp>
#include <fixturegen/scenario/output_type.hpp>
#include <fixturegen/scenario/scenario_set.hpp>
#include <fixturegen/schema/program_cache.hpp>
#include <fixturegen/schema/validator.hpp>

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace fixturegen::scenario {

// The outcome of checking one capture.
struct CaptureCheck {
  std::optional<std::string> type;         // nothing when no type matched
  std::optional<std::string> command;      // the capture's `command`, if any
  std::vector<schema::Violation> errors;   // fail the capture
  std::vector<schema::Violation> warnings; // reported, do not fail it

  bool valid() const { return type.has_value() && errors.empty(); }
};

// Whether a violation is "this key is not allowed" from a closed object
// (`additionalProperties: false`): the kind that non-strict validation
// reports as a warning.
bool is_not_allowed_violation(const schema::Violation& violation);

// Where a directory of ready-made schemas (`validate --schemas DIR`, the
// engine's) keeps the schema of `type`: DIR/<type>.schema.json. The one
// place that says so: `validate` and `schemas --compare` both ask here.
std::filesystem::path schema_file_in(const std::filesystem::path& dir, std::string_view type);

// Output type -> compiled validator, and the matcher that picks the type of
// a capture. Either compiled from scenarios, or read from a directory of
// ready-made `<type>.schema.json` files (the engine's), loaded on first use.
class TypeSchemas {
public:
  static Expected<TypeSchemas> from_scenarios(const ScenarioSet& scenarios,
                                              const schema::ValidatorOptions& options = {});
  // `cache`: where compiled schema files are kept between runs (none by
  // default); a hit skips parsing and compiling the file.
  static Expected<TypeSchemas> from_directory(std::filesystem::path dir, OutputTypeMatcher matcher,
                                              const schema::ValidatorOptions& options = {},
                                              schema::ProgramCache cache = {});

  // Matches `capture` to a type and validates it. Strict: every violation
  // is an error; otherwise "not allowed" keys are warnings. Returns an Error
  // only when a schema file cannot be read, parsed or compiled.
  // Safe to call from several threads at once: a type's schema is loaded
  // once, by the first caller that needs it, while others check captures.
  Expected<CaptureCheck> check(json::Value capture, bool strict);

  const OutputTypeMatcher& matcher() const { return m_matcher; }
  // Where a capture of an unknown type gets its schema from, for messages.
  std::string type_source_hint(std::string_view command) const;

private:
  TypeSchemas() = default;
  // The validator for `type`; nullptr when the directory has no schema for it.
  Expected<const schema::Validator*> validator_for(const std::string& type);
  // Reads and compiles one schema file; null when there is no such file.
  Expected<std::unique_ptr<schema::Validator>> load_validator(const std::filesystem::path& file) const;

  OutputTypeMatcher m_matcher;
  schema::ValidatorOptions m_options;
  std::optional<std::filesystem::path> m_dir;  // set in directory mode
  schema::ProgramCache m_cache;                // directory mode only
  std::string m_scenarios_dir;                 // for hints in scenario mode
  // Scenario mode: filled at construction, read-only afterwards.
  std::map<std::string, std::unique_ptr<schema::Validator>, std::less<>> m_validators;
  // Directory mode: one slot per type asked for, filled once (validator,
  // nothing when there is no file, or the error loading it gave).
  struct LoadSlot {
    std::mutex mutex;
    bool done = false;
    std::unique_ptr<schema::Validator> validator;  // null: no schema file
    std::optional<Error> error;
  };
  std::map<std::string, std::unique_ptr<LoadSlot>, std::less<>> m_loaded;
  std::unique_ptr<std::mutex> m_loaded_mutex = std::make_unique<std::mutex>();
  std::unique_ptr<schema::SchemaStore> m_store;
};

}  // namespace fixturegen::scenario
