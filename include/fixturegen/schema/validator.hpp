#pragma once

#include <fixturegen/core/error.hpp>
#include <fixturegen/json/document.hpp>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace fixturegen::schema {

enum class Draft { Draft7, Draft2020_12 };

struct ValidatorOptions {
  Draft draft = Draft::Draft7;
  // `format` is an annotation unless asked for, as in most validators.
  bool check_formats = false;
};

// One way an instance fails a schema. No cascades: a parent that fails only
// because a child failed is not reported again.
struct Violation {
  std::string instance_pointer;  // RFC 6901 pointer into the capture, "" = root
  std::string schema_pointer;    // pointer into the schema, e.g. "/properties/a/type"
  std::string message;           // "expected integer, found string \"12\""
};

// Owns schema documents by URI so that `$ref`s across documents resolve.
// `loader` is asked for URIs it does not hold (the test suite's remotes).
class SchemaStore {
public:
  using Loader = std::function<std::shared_ptr<const json::Document>(std::string_view uri)>;

  void add(std::string uri, std::shared_ptr<const json::Document> document);
  void set_loader(Loader loader) { m_loader = std::move(loader); }
  std::shared_ptr<const json::Document> find(std::string_view uri) const;

private:
  std::map<std::string, std::shared_ptr<const json::Document>, std::less<>> m_documents;
  Loader m_loader;
};

class Program;  // a schema compiled into a flat list of checks (validator.cpp)

// A schema compiled once into a validation program, then run per capture.
class Validator {
public:
  // `uri` is the schema's base URI (its $id wins when present).
  static Expected<Validator> compile(std::shared_ptr<const json::Document> schema,
                                     std::string uri, const SchemaStore& store,
                                     const ValidatorOptions& options = {});

  // Fast yes/no, stopping at the first failure.
  bool is_valid(json::Value instance) const;
  // Every violation (none when valid).
  std::vector<Violation> validate(json::Value instance) const;

  Validator(Validator&&) noexcept;
  Validator& operator=(Validator&&) noexcept;
  ~Validator();

private:
  explicit Validator(std::unique_ptr<Program> program);
  std::unique_ptr<Program> m_program;
};

}  // namespace fixturegen::schema
