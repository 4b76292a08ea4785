#include <fixturegen/schema/validator.hpp>

#include "program.hpp"
#include "uri.hpp"

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

Expected<Validator> Validator::compile(std::shared_ptr<const json::Document> schema,
                                       std::string uri, const SchemaStore& store,
                                       const ValidatorOptions& options) {
  auto program = compile_program(std::move(schema), std::move(uri), store, options);
  if (!program) return std::move(program).error();
  return Validator(std::move(program).value());
}

bool Validator::is_valid(json::Value instance) const { return m_program->run_valid(instance); }

std::vector<Violation> Validator::validate(json::Value instance) const {
  // Valid captures (the common case) take the fast path and build nothing.
  if (m_program->run_valid(instance)) return {};
  return m_program->run_collect(instance);
}

Validator::Validator(std::unique_ptr<Program> program) : m_program(std::move(program)) {}
Validator::Validator(Validator&&) noexcept = default;
Validator& Validator::operator=(Validator&&) noexcept = default;
Validator::~Validator() = default;

}  // namespace fixturegen::schema
