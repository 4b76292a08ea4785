#pragma once

#include <fixturegen/core/error.hpp>
#include <fixturegen/scenario/scenario.hpp>

#include <fixturegen/json/document.hpp>

#include <string>
#include <string_view>

namespace fixturegen::scenario {

// Compiles a scenario into a draft-07 JSON Schema. Pure: the same scenario
// gives the same schema, key for key.
//
// All variants are merged, path by path:
// - an object's `properties` are the union of its keys, in first-seen order;
//   `required` (sorted) holds the keys present in every occurrence of that
//   object, adjusted by `optional`/`required` annotations;
// - `type` is the union of the kinds seen; a number seen only as an integer
//   stays "integer", one ever seen with a fraction is "number"; a null seen
//   anywhere (or `nullable`) adds "null";
// - an array's `items` merge every element of every variant; an array only
//   ever empty gets unconstrained items `{}`;
// - objects are closed (`additionalProperties: false`) unless annotated
//   `open`; a `map` object gets `additionalProperties` = the merged schema of
//   its values and no `properties`/`required`;
// - `enum`, `minimum`, `maximum`, `description`, `format` are copied from
//   annotations; an integer never negative in any example gets `minimum: 0`
//   unless annotated `minimum` or `signed`;
// - an object whose kinds are told apart by a discriminator key
//   (discriminator.hpp) gets, under `allOf`, one `if` key == value `then`
//   `required` per kind.
// The closed schema is the only one written: `fixturegen validate` without
// --strict reports "not allowed" violations of `additionalProperties: false`
// as warnings instead of errors (docs/scenario-format.md, "Compiled schemas").
// Built once, as a Document (the validator compiles it as is; the writer
// turns it into the bytes below).
json::Document compile_schema(const Scenario& scenario);

// The compiled schema as the bytes `fixturegen schemas` writes: Python's
// json.dump(indent=2) layout plus a newline, via the project's JSON writer.
std::string compile_schema_text(const Scenario& scenario);

// `<name>.schema.json`, and the `$id` a compiled schema carries.
std::string schema_file_name(std::string_view type);
std::string schema_id(std::string_view type);

}  // namespace fixturegen::scenario
