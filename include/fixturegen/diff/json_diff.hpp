#pragma once

// The semantic difference between two JSON documents, as a list of changes
// per JSON Pointer. This is what `fixturegen diff` and `regen --check` print
// (see diff/report.hpp for the rendering and diff/capture_tree.hpp for whole
// directories).
//
// Usage:
//   diff::DiffOptions options;
//   options.rules = &compiled_rules;   // optional: mark rule-owned changes
//   auto changes = diff::diff_texts(old_bytes, new_bytes, options);
//   if (!changes) ...                  // a side is not JSON (Error, kind Check)
//   for (const diff::Change& change : *changes) ...

#include <fixturegen/core/error.hpp>
#include <fixturegen/json/document.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace fixturegen::normalize {
class CompiledRules;
}

namespace fixturegen::diff {

enum class ChangeKind {
  Added,               // a member or array element only the new side has
  Removed,             // a member or array element only the old side has
  ValueChanged,        // same type, other value
  TypeChanged,         // other JSON type; integer and number are types apart (1 -> 1.0)
  ArrayLengthChanged,  // an array grew or shrank (its added/removed elements follow)
  KeyOrderChanged,     // an object's common members in another order: same JSON, other bytes
};

// "added", "removed", "value_changed", ... (the JSON report's names).
std::string_view change_kind_name(ChangeKind kind);

struct Change {
  ChangeKind kind = ChangeKind::ValueChanged;
  std::string pointer;  // RFC 6901, "" is the root
  // The pointer with every array index folded to "*": the cause this change
  // is grouped under across files ("/materializations/*/attempts").
  std::string pattern;
  // Compact JSON text of each side (ensure_ascii, like the fixtures).
  // Empty on the side that has no value: old for Added, new for Removed.
  // ArrayLengthChanged: the two lengths. KeyOrderChanged: the common keys
  // in each side's order, as a JSON array of strings.
  std::string old_text;
  std::string new_text;
  json::Kind old_kind = json::Kind::Null;  // meaningful on a side that has a value
  json::Kind new_kind = json::Kind::Null;
  // Normalizing both sides with the configured rules would make them equal
  // (a duration, a wall-clock time, a sentinel'd id): hidden unless --all.
  bool owned_by_rules = false;
};

struct DiffOptions {
  // Rules whose owned values are marked `owned_by_rules`; null: none are.
  const normalize::CompiledRules* rules = nullptr;
};

// Changes from `old_root` to `new_root`, in document order (a container's
// own change before those inside it). Empty when the two are the same JSON
// with the same key order. Iterative: nesting depth costs heap, not stack.
std::vector<Change> diff_values(json::Value old_root, json::Value new_root, const DiffOptions& options = {});

// Parses both texts (strictly, as captures are read) and diffs them. An
// unparsable side is an Error (kind Check) whose message starts with
// "old: " or "new: " and the parse position "LINE:COLUMN: ".
Expected<std::vector<Change>> diff_texts(std::string_view old_text, std::string_view new_text,
                                         const DiffOptions& options = {});

// A value as compact JSON text (no spaces after ':' and ','), strings
// escaped as the fixtures are (ensure_ascii), floats in Python's repr.
std::string compact_json(json::Value value);

}  // namespace fixturegen::diff
