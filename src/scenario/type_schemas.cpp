#include <fixturegen/scenario/type_schemas.hpp>

#include <fixturegen/core/project_paths.hpp>
#include <fixturegen/io/file.hpp>
#include <fixturegen/scenario/schema_compiler.hpp>

#include <fixturegen/json/pointer.hpp>

#include <fmt/format.h>

#include <charconv>

#include <string_view>
#include <system_error>

namespace fixturegen::scenario {

namespace {

Expected<std::shared_ptr<const json::Document>> parse_schema(std::string_view text, std::string_view where) {
  auto document = std::make_shared<json::Document>();
  if (std::optional<json::ParseError> error = json::Document::parse(text, *document)) {
    return Error::usage(fmt::format("schema {}:{}", where, error->to_string()),
                        "a schema file must be valid JSON");
  }
  return std::shared_ptr<const json::Document>(std::move(document));
}

// A schema that does not compile ($ref cycle, unresolvable remote $ref, a
// bad keyword) is a broken setup, not drift: the validator reports it as a
// plain error, here it becomes a configuration error (exit 2).
Error schema_compile_error(Error error, std::string message) {
  if (error.kind == ErrorKind::Check) error.kind = ErrorKind::Config;
  error.message = std::move(message);
  if (error.hint.empty()) error.hint = "fix the schema, or the scenario it was compiled from, and run again";
  return error;
}

// The value at `pointer` in `root`, if there is one.
std::optional<json::Value> value_at(json::Value root, std::string_view pointer) {
  std::vector<std::string> tokens;
  if (!json::split_pointer(pointer, tokens)) return std::nullopt;
  json::Value at = root;
  for (const std::string& token : tokens) {
    if (at.is_object()) {
      std::optional<json::Value> member = at.find(token);
      if (!member) return std::nullopt;
      at = *member;
    } else if (at.is_array()) {
      std::size_t index = 0;
      if (std::from_chars(token.data(), token.data() + token.size(), index).ec != std::errc() ||
          index >= at.size())
        return std::nullopt;
      auto element = at.elements().begin();
      for (std::size_t i = 0; i < index; ++i) ++element;
      at = *element;
    } else {
      return std::nullopt;
    }
  }
  return at;
}

// A per-kind requirement (schema_compiler.hpp: `if` KEY is VALUE `then`
// required) says which kind required the key: " (required when \"name\" is
// \"row_count\")"; nothing for any other violation.
std::string kind_condition(json::Value schema, const schema::Violation& violation) {
  constexpr std::string_view kThen = "/then/required";
  if (violation.kind != schema::ViolationKind::Required || !violation.schema_pointer.ends_with(kThen)) return {};
  const std::string_view branch =
      std::string_view(violation.schema_pointer).substr(0, violation.schema_pointer.size() - kThen.size());
  std::optional<json::Value> properties = value_at(schema, std::string(branch) + "/if/properties");
  if (!properties || !properties->is_object() || properties->size() != 1) return {};
  const json::Value::Member only = *properties->members().begin();
  std::optional<json::Value> value = only.value.find("const");
  if (!value || !value->is_string()) return {};
  return fmt::format(" (required when \"{}\" is \"{}\")", only.key, value->as_string());
}

}  // namespace

std::filesystem::path schema_file_in(const std::filesystem::path& dir, std::string_view type) {
  return dir / schema_file_name(type);
}

bool is_not_allowed_violation(const schema::Violation& violation) {
  return violation.kind == schema::ViolationKind::AdditionalProperty;
}

Expected<TypeSchemas> TypeSchemas::from_scenarios(const ScenarioSet& scenarios,
                                                  const schema::ValidatorOptions& options) {
  TypeSchemas schemas;
  schemas.m_matcher = scenarios.matcher();
  schemas.m_options = options;
  schemas.m_store = std::make_unique<schema::SchemaStore>();
  schemas.m_scenarios_dir = scenarios.scenarios().empty()
                                ? ProjectPaths::defaults().scenarios
                                : scenarios.scenarios().front().file.parent_path().generic_string();
  for (const Scenario& scenario : scenarios.scenarios()) {
    // The document `fixturegen schemas` writes out, built once and
    // compiled as is (no text round trip).
    const std::string id = schema_id(scenario.name);
    auto document = std::make_shared<const json::Document>(compile_schema(scenario));
    schemas.m_store->add(id, document);
    Expected<schema::Validator> validator = schema::Validator::compile(document, id, *schemas.m_store, options);
    if (!validator) {
      Error error = std::move(validator).error();
      std::string message = fmt::format("schema compiled from {}: {}", scenario.file.generic_string(), error.message);
      return schema_compile_error(std::move(error), std::move(message));
    }
    schemas.m_validators.emplace(scenario.name, std::make_unique<schema::Validator>(std::move(*validator)));
  }
  return schemas;
}

Expected<TypeSchemas> TypeSchemas::from_directory(std::filesystem::path dir, OutputTypeMatcher matcher,
                                                  const schema::ValidatorOptions& options,
                                                  schema::ProgramCache cache) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    return Error::usage(fmt::format("no schema directory {}", dir.generic_string()),
                        "pass --schemas DIR with a directory of <type>.schema.json files");
  }
  TypeSchemas schemas;
  schemas.m_matcher = std::move(matcher);
  schemas.m_options = options;
  schemas.m_store = std::make_unique<schema::SchemaStore>();
  // A $ref to another file of the directory loads that file. The store is
  // never written after this, so compiles on several threads can share it.
  std::string prefix = "file://" + std::filesystem::absolute(dir, ec).generic_string();
  if (!prefix.ends_with('/')) prefix += '/';
  schemas.m_store->set_loader([prefix](std::string_view uri) -> std::shared_ptr<const json::Document> {
    if (!uri.starts_with(prefix)) return nullptr;
    const std::string_view name = uri.substr(prefix.size());
    if (name.empty() || name.find("/../") != std::string_view::npos || name.starts_with("../")) return nullptr;
    Expected<std::string> text = io::read_file(std::filesystem::path(std::string(uri.substr(7))));
    if (!text) return nullptr;
    Expected<std::shared_ptr<const json::Document>> document = parse_schema(*text, uri);
    return document ? *document : nullptr;
  });
  schemas.m_dir = std::move(dir);
  schemas.m_cache = std::move(cache);
  return schemas;
}

std::string TypeSchemas::type_source_hint(std::string_view command) const {
  if (m_dir) return schema_file_in(*m_dir, command).generic_string();
  return fmt::format("{}/{}.json", m_scenarios_dir, command);
}

Expected<const schema::Validator*> TypeSchemas::validator_for(const std::string& type) {
  if (auto found = m_validators.find(type); found != m_validators.end()) return found->second.get();
  if (!m_dir) return static_cast<const schema::Validator*>(nullptr);

  LoadSlot* slot = nullptr;
  {
    const std::lock_guard<std::mutex> lock(*m_loaded_mutex);
    std::unique_ptr<LoadSlot>& entry = m_loaded[type];
    if (!entry) entry = std::make_unique<LoadSlot>();
    slot = entry.get();
  }
  // Only this type's loaders wait here; other types load in parallel.
  const std::lock_guard<std::mutex> lock(slot->mutex);
  if (!slot->done) {
    slot->done = true;
    const std::filesystem::path file = schema_file_in(*m_dir, type);
    Expected<std::unique_ptr<schema::Validator>> loaded = load_validator(file);
    if (loaded) slot->validator = std::move(*loaded);
    else slot->error = std::move(loaded).error();
  }
  if (slot->error) return *slot->error;
  return static_cast<const schema::Validator*>(slot->validator.get());
}

Expected<std::unique_ptr<schema::Validator>> TypeSchemas::load_validator(const std::filesystem::path& file) const {
  const std::optional<schema::ProgramCache::FileIdentity> identity = schema::ProgramCache::identify(file);
  if (!identity) return std::unique_ptr<schema::Validator>();  // no such schema file
  std::error_code ec;
  const std::string uri = "file://" + std::filesystem::absolute(file, ec).generic_string();
  // The file as it is now was seen before: its program without reading it.
  if (std::optional<schema::Validator> cached = m_cache.load_by_file(*identity, uri, m_options)) {
    return std::make_unique<schema::Validator>(std::move(*cached));
  }
  // Just stat'ed as a regular file: read without read_file()'s second stat,
  // into one buffer per thread that is not zero-filled again for every
  // file: the text is only hashed, and parsed (copied) on a cache miss.
  thread_local std::string buffer;
  if (Expected<void> read = io::read_listed_file_into(file.string(), buffer); !read) return std::move(read).error();
  const std::string& text = buffer;
  if (std::optional<schema::Validator> cached = m_cache.load(text, uri, m_options)) {
    m_cache.remember_file(*identity, uri, m_options, *cached);
    return std::make_unique<schema::Validator>(std::move(*cached));
  }
  Expected<std::shared_ptr<const json::Document>> document = parse_schema(text, file.generic_string());
  if (!document) return std::move(document).error();
  Expected<schema::Validator> validator = schema::Validator::compile(*document, uri, *m_store, m_options);
  if (!validator) {
    Error error = std::move(validator).error();
    std::string message = fmt::format("schema {}: {}", file.generic_string(), error.message);
    return schema_compile_error(std::move(error), std::move(message));
  }
  m_cache.store(text, uri, m_options, *validator);
  m_cache.remember_file(*identity, uri, m_options, *validator);
  return std::make_unique<schema::Validator>(std::move(*validator));
}

Expected<CaptureCheck> TypeSchemas::check(json::Value capture, bool strict) {
  CaptureCheck result;
  if (std::optional<std::string_view> command = capture_command(capture)) result.command = std::string(*command);
  result.type = m_matcher.match(capture);
  if (!result.type) {
    std::string message;
    if (!result.command) {
      message = "no top-level string `command`: cannot tell which output type this capture is";
    } else if (m_dir) {
      message = fmt::format("command \"{}\" is not an output type name: no schema can be picked for it",
                            *result.command);
    } else {
      message = fmt::format("no output type matches command \"{}\": add {} (docs/scenario-format.md)",
                            *result.command, type_source_hint(*result.command));
    }
    result.errors.push_back(schema::Violation{"", "", std::move(message)});
    return result;
  }
  Expected<const schema::Validator*> validator = validator_for(*result.type);
  if (!validator) return std::move(validator).error();
  if (*validator == nullptr) {
    result.errors.push_back(schema::Violation{
        "", "", fmt::format("no schema for output type \"{}\": expected {}", *result.type,
                            type_source_hint(*result.type))});
    return result;
  }
  Expected<std::vector<schema::Violation>> violations = (*validator)->validate(capture);
  if (!violations) return std::move(violations).error();
  const std::shared_ptr<const json::Document> compiled = m_dir ? nullptr : m_store->find(schema_id(*result.type));
  for (schema::Violation& violation : *violations) {
    if (!is_not_allowed_violation(violation)) {
      if (compiled) violation.message += kind_condition(compiled->root(), violation);
      result.errors.push_back(std::move(violation));
      continue;
    }
    // An unknown key: the engine grew a field. Say where to describe it.
    if (!m_dir) {
      violation.message += fmt::format("; if the engine emits it on purpose, add it to a variant in {} and run `fixturegen schemas`",
                                       type_source_hint(*result.type));
    }
    (strict ? result.errors : result.warnings).push_back(std::move(violation));
  }
  return result;
}

}  // namespace fixturegen::scenario
