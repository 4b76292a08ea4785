#include <fixturegen/schema/validator.hpp>

#include "program.hpp"
#include "program_bytes.hpp"
#include "uri.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace fixturegen::schema {

void SchemaStore::add(std::string uri, std::shared_ptr<const json::Document> document) {
  // Documents are keyed without fragment: "x#" and "x" are the same resource.
  if (const auto hash = uri.find('#'); hash != std::string::npos) uri.resize(hash);
  m_documents[std::move(uri)] = std::move(document);
}

std::shared_ptr<const json::Document> SchemaStore::find(std::string_view uri) const {
  uri = strip_fragment(uri);
  if (const auto found = m_documents.find(uri); found != m_documents.end()) return found->second;
  if (m_loader) return m_loader(uri);
  return nullptr;
}

std::string_view kind_name(ViolationKind kind) {
  switch (kind) {
    case ViolationKind::Other: return "other";
    case ViolationKind::FalseSchema: return "false_schema";
    case ViolationKind::Type: return "type";
    case ViolationKind::Enum: return "enum";
    case ViolationKind::Const: return "const";
    case ViolationKind::MultipleOf: return "multiple_of";
    case ViolationKind::Minimum: return "minimum";
    case ViolationKind::Maximum: return "maximum";
    case ViolationKind::ExclusiveMinimum: return "exclusive_minimum";
    case ViolationKind::ExclusiveMaximum: return "exclusive_maximum";
    case ViolationKind::MinLength: return "min_length";
    case ViolationKind::MaxLength: return "max_length";
    case ViolationKind::Pattern: return "pattern";
    case ViolationKind::Format: return "format";
    case ViolationKind::AdditionalItems: return "additional_items";
    case ViolationKind::MinItems: return "min_items";
    case ViolationKind::MaxItems: return "max_items";
    case ViolationKind::UniqueItems: return "unique_items";
    case ViolationKind::Contains: return "contains";
    case ViolationKind::Required: return "required";
    case ViolationKind::AdditionalProperty: return "additional_property";
    case ViolationKind::MinProperties: return "min_properties";
    case ViolationKind::MaxProperties: return "max_properties";
    case ViolationKind::DependentRequired: return "dependent_required";
    case ViolationKind::PropertyName: return "property_name";
    case ViolationKind::AnyOf: return "any_of";
    case ViolationKind::OneOf: return "one_of";
    case ViolationKind::Not: return "not";
    case ViolationKind::UnevaluatedItems: return "unevaluated_items";
    case ViolationKind::UnevaluatedProperty: return "unevaluated_property";
  }
  return "other";
}

namespace {

// The draft a `$schema` URI names: draft-07 and 2020-12, with or without
// the empty fragment, over http or https.
std::optional<Draft> draft_of(std::string_view uri) {
  if (uri.ends_with('#')) uri.remove_suffix(1);
  if (uri.starts_with("https://")) uri.remove_prefix(8);
  else if (uri.starts_with("http://")) uri.remove_prefix(7);
  else return std::nullopt;
  if (uri == "json-schema.org/draft-07/schema") return Draft::Draft7;
  if (uri == "json-schema.org/draft/2020-12/schema") return Draft::Draft2020_12;
  return std::nullopt;
}

}  // namespace

Expected<Draft> schema_draft(json::Value schema, std::string_view uri, Draft fallback, const SchemaStore* store) {
  if (!schema.is_object()) return fallback;
  const std::optional<json::Value> declared = schema.find("$schema");
  if (!declared) return fallback;
  const std::string where = uri.empty() ? std::string("the schema") : std::string(uri);
  if (!declared->is_string()) {
    return Error::config("\"$schema\" in " + where + " must be a string (a metaschema URI)",
                         "use \"http://json-schema.org/draft-07/schema#\" or "
                         "\"https://json-schema.org/draft/2020-12/schema\"");
  }
  if (const std::optional<Draft> draft = draft_of(declared->as_string())) return *draft;
  // A metaschema of its own (a custom vocabulary) is read as the draft that
  // metaschema itself declares, when the store knows it.
  if (store != nullptr) {
    if (const std::shared_ptr<const json::Document> meta = store->find(declared->as_string());
        meta && !meta->empty() && meta->root().is_object()) {
      if (const std::optional<json::Value> meta_schema = meta->root().find("$schema");
          meta_schema && meta_schema->is_string()) {
        if (const std::optional<Draft> draft = draft_of(meta_schema->as_string())) return *draft;
      }
    }
  }
  return Error::config("unsupported \"$schema\": \"" + std::string(declared->as_string()) + "\" in " + where +
                           ": fixturegen validates draft-07 and 2020-12 schemas",
                       "use \"http://json-schema.org/draft-07/schema#\" or "
                       "\"https://json-schema.org/draft/2020-12/schema\"");
}

Expected<Validator> Validator::compile(std::shared_ptr<const json::Document> schema,
                                       std::string uri, const SchemaStore& store,
                                       const ValidatorOptions& options) {
  if (!schema || schema->empty()) return Error::config("cannot compile an empty schema document");
  // The schema's own `$schema` decides its draft; options.draft is the
  // default for a schema that does not say.
  Expected<Draft> draft = schema_draft(schema->root(), uri, options.draft, &store);
  if (!draft) return std::move(draft).error();
  ValidatorOptions effective = options;
  effective.draft = *draft;
  auto program = compile_program(std::move(schema), std::move(uri), store, effective);
  if (!program) return std::move(program).error();
  return Validator(std::move(program).value());
}

Expected<bool> Validator::is_valid(json::Value instance) const { return m_program->run_valid(instance); }

Expected<std::vector<Violation>> Validator::validate(json::Value instance) const {
  // Valid captures (the common case) take the fast path and build nothing.
  Expected<bool> valid = m_program->run_valid(instance);
  if (valid && *valid) return std::vector<Violation>();
  // Also when the fast path could not decide: the full run meets the same
  // error with the instance pointer at hand, for a message that says where.
  return m_program->run_collect(instance);
}

std::optional<std::string> Validator::to_bytes() const { return encode_program(*m_program); }

std::optional<Validator> Validator::from_bytes(std::string_view bytes, const ValidatorOptions& options,
                                               std::shared_ptr<const void> keep_alive) {
  std::unique_ptr<Program> program = decode_program(bytes, options, std::move(keep_alive));
  if (!program) return std::nullopt;
  return Validator(std::move(program));
}

Validator::Validator(std::unique_ptr<Program> program) : m_program(std::move(program)) {}
Validator::Validator(Validator&&) noexcept = default;
Validator& Validator::operator=(Validator&&) noexcept = default;
Validator::~Validator() = default;

}  // namespace fixturegen::schema
