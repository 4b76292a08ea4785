#pragma once

#include "formats.hpp"
#include "numbers.hpp"
#include "ecma_regex.hpp"

#include <fixturegen/json/document.hpp>
#include <fixturegen/schema/validator.hpp>

#include <atomic>
#include <cstdint>
#include <deque>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace fixturegen::schema {

// A schema compiled into a flat program: each (sub)schema is a contiguous
// run of instructions; applicators name other schemas by index, so `$ref`
// cycles are just indices that point back. Everything a check needs at run
// time (property tables, compiled patterns, bounds) is prepared here once.

using SchemaId = std::uint32_t;
inline constexpr SchemaId kNoSchema = std::numeric_limits<SchemaId>::max();

enum class Op : std::uint8_t {
  False,             // the boolean schema false
  Type,              // a = type mask
  Enum,              // a = enum table
  Const,             // a = value table
  MultipleOf,        // a = divisor table
  Minimum,           // a = bound table
  Maximum,
  ExclusiveMinimum,
  ExclusiveMaximum,
  MinLength,         // n
  MaxLength,
  Pattern,           // a = regex table
  Format,            // a = Format
  Items,             // a = schema applied to every item from `n` on
  TupleItems,        // a = tuple table
  MinItems,          // n
  MaxItems,
  UniqueItems,
  Contains,          // a = contains table
  MinProperties,     // n
  MaxProperties,
  Object,            // a = object table (properties, patternProperties,
                     //     additionalProperties, required together)
  DependentRequired, // a = dependent-required table
  DependentSchemas,  // a = dependent-schemas table
  PropertyNames,     // a = schema
  IfThenElse,        // a = condition table
  AllOf,             // a = list table
  AnyOf,
  OneOf,
  Not,               // a = schema
  Ref,               // a = schema
  DynamicRef,        // a = dynamic-ref table
  UnevaluatedItems,       // a = schema
  UnevaluatedProperties,  // a = schema
};

// Type mask bits.
enum TypeBit : std::uint8_t {
  kNullBit = 1,
  kBooleanBit = 2,
  kIntegerBit = 4,
  kNumberBit = 8,
  kStringBit = 16,
  kArrayBit = 32,
  kObjectBit = 64,
};
inline constexpr std::uint8_t kAllTypes = 127;

struct Instruction {
  Op op;
  std::uint32_t a = 0;
  std::uint64_t n = 0;
  std::uint32_t keyword = 0;  // index into Program::pointers, for reports
};

struct CompiledSchema {
  std::uint32_t first = 0;  // instruction range
  std::uint32_t last = 0;
  std::uint32_t resource = std::numeric_limits<std::uint32_t>::max();  // 2020-12: its resource
  bool has_unevaluated = false;
};

struct EnumTable {
  json::Value array;  // for messages
  std::vector<json::Value> values;
  std::vector<std::string_view> strings;  // sorted, when every value is a string
  bool all_strings = false;
};

struct PropertyEntry {
  std::string_view key;
  SchemaId schema = kNoSchema;     // from `properties`, or none
  std::int32_t required_bit = -1;  // position in the required mask
};

struct PatternEntry {
  std::uint32_t regex;
  SchemaId schema;
};

struct ObjectTable {
  std::vector<PropertyEntry> entries;  // sorted by key
  std::vector<PatternEntry> patterns;
  SchemaId additional = kNoSchema;
  bool additional_false = false;
  std::uint32_t additional_keyword = 0;
  std::uint32_t required_keyword = 0;
  std::vector<std::string_view> required;  // unique, in schema order
  std::uint64_t required_mask = 0;         // bits of the first 64
  std::vector<std::string_view> required_overflow;  // beyond 64, looked up directly
  bool applies_to_members = false;  // properties/patterns/additional present
};

struct TupleTable {
  std::vector<SchemaId> items;
  SchemaId additional = kNoSchema;
  bool additional_false = false;
  std::uint32_t additional_keyword = 0;
  bool is_prefix_items = false;
};

struct ContainsTable {
  SchemaId schema;
  std::uint64_t min = 1;
  std::uint64_t max = std::numeric_limits<std::uint64_t>::max();
  std::uint32_t min_keyword = 0;
  std::uint32_t max_keyword = 0;
  bool has_max = false;
};

struct DependentRequiredEntry {
  std::string_view property;
  std::vector<std::string_view> required;
};

struct DependentSchemaEntry {
  std::string_view property;
  SchemaId schema;
};

struct ConditionTable {
  SchemaId if_schema;
  SchemaId then_schema = kNoSchema;
  SchemaId else_schema = kNoSchema;
};

struct DynamicRefTable {
  SchemaId static_target;
  std::string anchor;  // non-empty when the target is a dynamic anchor
};

struct Resource {
  std::vector<std::pair<std::string, SchemaId>> dynamic_anchors;
};

// Where a keyword sits in its schema document, spelled out as a JSON pointer
// only when a violation is reported: most keywords never fail, and building
// their pointer text up front was a large part of compiling a schema.
struct KeywordRef {
  std::uint32_t doc = 0;      // index into Program::documents
  json::Value node;           // the schema object (or boolean schema)
  std::string_view keyword;   // "" = the schema itself; static or in `doc`
};

class KeywordPointers {
public:
  std::uint32_t add(KeywordRef ref) {
    m_refs.push_back(ref);
    return static_cast<std::uint32_t>(m_refs.size() - 1);
  }
  void add_document(std::string prefix) { m_prefixes.push_back(std::move(prefix)); }
  void reserve(std::size_t n) { m_refs.reserve(n); }
  std::size_t size() const { return m_refs.size(); }
  const std::vector<KeywordRef>& refs() const { return m_refs; }
  const std::vector<std::string>& prefixes() const { return m_prefixes; }
  // "/properties/a/type", or "URI#/..." in a document other than the root's.
  std::string operator[](std::uint32_t keyword) const;

private:
  std::vector<KeywordRef> m_refs;
  std::vector<std::string> m_prefixes;  // per document: "" or "URI#"
};

struct RawViolation;
struct Frame;
struct Eval;

class Program {
public:
  // An Error when the answer cannot be decided (a pattern PCRE2 gave up
  // on, an instance nested deeper than the stack allows): never a verdict.
  Expected<bool> run_valid(json::Value instance) const;
  Expected<std::vector<Violation>> run_collect(json::Value instance) const;

  // Filled by the compiler.
  std::vector<std::shared_ptr<const json::Document>> documents;  // kept alive
  std::vector<CompiledSchema> schemas;
  std::vector<Instruction> code;
  KeywordPointers pointers;  // schema locations of keywords
  std::vector<EnumTable> enums;
  std::vector<json::Value> values;
  std::vector<Divisor> divisors;
  std::vector<Bound> bounds;
  std::vector<json::Value> bound_values;  // the schema's own number, for messages
  std::vector<Regex> regexes;
  std::vector<ObjectTable> objects;
  std::vector<TupleTable> tuples;
  std::vector<ContainsTable> contains;
  std::vector<std::vector<DependentRequiredEntry>> dependent_required;
  std::vector<std::vector<DependentSchemaEntry>> dependent_schemas;
  std::vector<ConditionTable> conditions;
  std::vector<std::vector<SchemaId>> lists;
  std::vector<DynamicRefTable> dynamic_refs;
  std::vector<Resource> resources;
  SchemaId root = kNoSchema;
  bool uses_dynamic_scope = false;
  // Text that views above point at when it is in no document: a program
  // read back from the cache owns its keyword names here (a deque, so that
  // adding one never moves the others).
  std::deque<std::string> owned_text;

private:
  template <bool Collect>
  bool run(SchemaId id, json::Value value, Frame& frame, Eval* eval) const;
  template <bool Collect>
  bool exec(const Instruction& instruction, json::Value value, Frame& frame, Eval* eval) const;
  template <bool Collect>
  bool exec_object(const Instruction& instruction, json::Value value, Frame& frame,
                   Eval* eval) const;
  bool match(std::uint32_t regex, std::string_view text, Frame& frame) const;
  void report_alternatives(const Instruction& instruction, const std::vector<SchemaId>& branches,
                           json::Value value, Frame& frame) const;
};

// Compiles `root` (a Value of `document`) with everything it references.
Expected<std::unique_ptr<Program>> compile_program(std::shared_ptr<const json::Document> document,
                                                   std::string uri, const SchemaStore& store,
                                                   const ValidatorOptions& options);

}  // namespace fixturegen::schema
