#include <fixturegen/scenario/schema_source.hpp>

#include <fixturegen/core/project_paths.hpp>

#include <fmt/format.h>

#include <filesystem>
#include <system_error>
#include <utility>

namespace fixturegen::scenario {

std::string SchemaSource::schema_file(std::string_view type) const {
  if (schema_file_dir.empty()) return {};
  // schema_file_name() without schema_compiler.hpp, which pulls in nlohmann.
  // std::filesystem::path(dir) / name, in its generic form, without
  // building the path (4,600 instructions a capture): a separator unless dir
  // ends with one. The path is built only where it would differ: repeated
  // slashes (the generic form collapses them) or an absolute name.
  std::string joined = schema_file_dir;
  if (!joined.ends_with('/')) joined += '/';
  joined += type;
  joined += kSchemaFileSuffix;
  if (type.starts_with('/') || joined.find("//") != std::string::npos) {
    std::string name(type);
    name += kSchemaFileSuffix;
    return (std::filesystem::path(schema_file_dir) / name).generic_string();
  }
  return joined;
}

std::string SchemaSource::describe() const {
  if (!from_directory()) return fmt::format("schemas compiled from the scenarios ({} types)",
                                            scenarios ? scenarios->scenarios().size() : 0);
  return fmt::format("validating against {} ({})", schemas_dir,
                     scenarios ? "types matched by the scenarios, then the engine's convention"
                               : "types matched by the engine's convention");
}

Expected<SchemaSource> open_schema_source(const SchemaSourceOptions& options) {
  SchemaSource source;
  source.schemas_dir = options.schemas_dir;
  // Scenarios define types; with --schemas they only help matching, and are
  // read when asked for or when the project has them.
  std::error_code ec;
  if (options.schemas_dir.empty() || options.scenarios_given ||
      std::filesystem::is_directory(options.scenarios_dir, ec)) {
    Expected<ScenarioSet> loaded = load_scenario_set(options.scenarios_dir);
    if (!loaded) return std::move(loaded).error();
    source.scenarios = std::make_unique<ScenarioSet>(std::move(*loaded));
  }
  if (options.schemas_dir.empty()) {
    Expected<TypeSchemas> made = TypeSchemas::from_scenarios(*source.scenarios, options.validator);
    if (!made) return std::move(made).error();
    source.schemas = std::make_unique<TypeSchemas>(std::move(*made));
    // Pointers refer to the file `fixturegen schemas` writes from the
    // project's scenarios; scenarios from elsewhere have no such file.
    if (!options.scenarios_given) source.schema_file_dir = ProjectPaths::defaults().schemas;
  } else {
    OutputTypeMatcher matcher = source.scenarios ? source.scenarios->matcher() : OutputTypeMatcher();
    matcher.add_engine_convention();
    Expected<TypeSchemas> made = TypeSchemas::from_directory(options.schemas_dir, std::move(matcher), options.validator,
                                                            options.cache);
    if (!made) return std::move(made).error();
    source.schemas = std::make_unique<TypeSchemas>(std::move(*made));
    source.schema_file_dir = options.schemas_dir;
  }
  return source;
}

}  // namespace fixturegen::scenario
