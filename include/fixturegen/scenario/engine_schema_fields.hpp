#pragma once

#include <fixturegen/json/document.hpp>
#include <fixturegen/scenario/instance_path.hpp>

#include <cstddef>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace fixturegen::scenario {

// Every kind a JSON value can be: what an unconstrained schema (`{}`) allows.
constexpr KindMask kAnyKind = kind_bit(json::Kind::Null) | kind_bit(json::Kind::Bool) |
                              kind_bit(json::Kind::Integer) | kind_bit(json::Kind::Float) |
                              kind_bit(json::Kind::String) | kind_bit(json::Kind::Array) |
                              kind_bit(json::Kind::Object);

// What a schema declares at one instance path, merged over every subschema
// that applies there ($ref targets, allOf/anyOf/oneOf branches).
struct DeclaredField {
  KindMask kinds = 0;  // the kinds allowed; "number" allows Integer and Float
  // The non-null values allowed, as compact JSON text ("\"a\"", "1", "true"),
  // when every subschema that allows a non-null value lists them (`enum`,
  // `const`). Empty when the values are open.
  std::set<std::string, std::less<>> enum_values;
  bool values_open = false;  // some subschema allows any value of its type
  // An object with dynamic keys (`additionalProperties` is a schema and
  // there are no `properties`): its members are the path `<path>/*`.
  bool map = false;
  // Anything may appear below this path without being declared: a free-form
  // object or array, `{}`, a $ref that could not be followed, or a
  // recursive definition met again (the walk stops there).
  bool open = false;
  // A union branch's discriminator: a property holding one `enum`/`const`
  // value in an object of a oneOf/anyOf (`{"kind": {"enum": ["sampled"]}}`).
  bool tag = false;

  bool enum_closed() const { return !values_open && !enum_values.empty(); }
};

// The fields an engine schema declares, keyed by instance path
// (instance_path.hpp: array items and map members are `*`); "" is the root.
struct EngineSchemaFields {
  std::map<std::string, DeclaredField, std::less<>> fields;
  // What the walk could not follow, with the schema pointer ("$ref
  // \"other.json#/x\" at /properties/a: only local references are followed").
  std::vector<std::string> problems;

  const DeclaredField* find(std::string_view path) const;
  // The paths declared as maps, for collect_instance_paths().
  PathSet map_paths() const;
  // Paths below the root: the engine's fields, array items and map members.
  std::size_t field_count() const { return fields.empty() ? 0 : fields.size() - fields.count(""); }
};

// Walks a draft-07 schema (the engine's, generated from its Rust types) and
// lists what it declares per instance path:
// - `$ref` is followed to any JSON Pointer in the same document
//   (`#/definitions/X`), chains included; draft-07 ignores a $ref's siblings,
//   and so does the walk. A reference met again below itself (a recursive
//   type) is not expanded twice: the walk marks that path `open` and stops.
// - `allOf`, `anyOf` and `oneOf` branches all apply at the same path: the
//   union of their properties, kinds and enum values (a nullable
//   `anyOf: [{$ref}, {type: null}]` adds null; a tagged `oneOf` of objects
//   declares every branch's properties and the tag's values).
// - `properties` -> `<path>/<name>`; `items` -> `<path>/*`;
//   `additionalProperties` (a schema, no `properties`) -> a map `<path>/*`.
// Pure and iterative: no recursion on the schema's depth.
EngineSchemaFields collect_declared_fields(json::Value schema);

// A scalar as compact JSON text, the form of DeclaredField::enum_values;
// empty for arrays and objects.
std::string scalar_text(json::Value value);

}  // namespace fixturegen::scenario
