#pragma once

#include <fixturegen/core/error.hpp>
#include <fixturegen/json/document.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fixturegen::schema {

enum class Draft { Draft7, Draft2020_12 };

struct ValidatorOptions {
  // The draft of a schema without `$schema`; one that declares it is read
  // as the draft it names (see schema_draft).
  Draft draft = Draft::Draft7;
  // `format` is an annotation unless asked for, as in most validators.
  bool check_formats = false;
  // How far PCRE2 may backtrack on one string before a `pattern` counts as
  // undecidable (an Error, never a verdict): PCRE2's default.
  std::uint32_t pattern_match_limit = 10'000'000;
};

// Which rule a violation broke, so that callers need not read it from the
// schema pointer's last token. Mostly the keyword; `false` subschemas are
// told apart by where they stand (additionalProperties: false is
// AdditionalProperty, items: false after a tuple is AdditionalItems).
enum class ViolationKind : std::uint8_t {
  Other,               // not a schema keyword: an unreadable capture, no type, no schema
  FalseSchema,         // a subschema `false`
  Type,
  Enum,
  Const,
  MultipleOf,
  Minimum,
  Maximum,
  ExclusiveMinimum,
  ExclusiveMaximum,
  MinLength,
  MaxLength,
  Pattern,
  Format,
  AdditionalItems,     // an item beyond a tuple that allows none
  MinItems,
  MaxItems,
  UniqueItems,
  Contains,            // contains / minContains / maxContains
  Required,
  AdditionalProperty,  // a key a closed object does not allow
  MinProperties,
  MaxProperties,
  DependentRequired,
  PropertyName,        // a key that fails propertyNames
  AnyOf,
  OneOf,
  Not,
  UnevaluatedItems,
  UnevaluatedProperty,
};

// "type", "additional_property", ... (snake_case, for reports).
std::string_view kind_name(ViolationKind kind);

// One way an instance fails a schema. No cascades: a parent that fails only
// because a child failed is not reported again.
struct Violation {
  std::string instance_pointer;  // RFC 6901 pointer into the capture, "" = root
  std::string schema_pointer;    // pointer into the schema, e.g. "/properties/a/type"
  std::string message;           // "expected integer, found string \"12\""
  ViolationKind kind = ViolationKind::Other;
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

// The draft `schema` declares in its `$schema` (draft-07 or 2020-12, with or
// without the trailing '#'), or `fallback` when it declares none. A custom
// metaschema `store` holds counts as the draft it declares itself. Any other
// `$schema` is an Error (Config) naming `uri`, the schema's file.
Expected<Draft> schema_draft(json::Value schema, std::string_view uri, Draft fallback,
                             const SchemaStore* store = nullptr);

class Program;  // a schema compiled into a flat list of checks (validator.cpp)

// A schema compiled once into a validation program, then run per capture.
class Validator {
public:
  // `uri` is the schema's base URI (its $id wins when present).
  static Expected<Validator> compile(std::shared_ptr<const json::Document> schema,
                                     std::string uri, const SchemaStore& store,
                                     const ValidatorOptions& options = {});

  // Fast yes/no, stopping at the first failure. An Error, never a verdict,
  // when the answer cannot be decided: a `pattern` PCRE2 gives up on
  // (ErrorKind::Config), an instance nested deeper than the validator can
  // follow on this thread's stack.
  Expected<bool> is_valid(json::Value instance) const;
  // Every violation (none when valid), or such an Error.
  Expected<std::vector<Violation>> validate(json::Value instance) const;

  // The compiled program as bytes, for ProgramCache (schema/program_cache.hpp):
  // nullopt when it cannot be cached (it reaches a second document). The
  // way back gives nullopt for bytes to_bytes did not write; `options`
  // must be the ones it was compiled with (the cache key holds them).
  std::optional<std::string> to_bytes() const;
  // `keep_alive`, when given, owns `bytes` and may be kept by the program
  // to read its schema documents in place instead of copying them.
  static std::optional<Validator> from_bytes(std::string_view bytes, const ValidatorOptions& options,
                                             std::shared_ptr<const void> keep_alive = nullptr);

  Validator(Validator&&) noexcept;
  Validator& operator=(Validator&&) noexcept;
  ~Validator();

private:
  explicit Validator(std::unique_ptr<Program> program);
  std::unique_ptr<Program> m_program;
};

}  // namespace fixturegen::schema
