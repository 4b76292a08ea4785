#pragma once

#include <fixturegen/json/document.hpp>
#include <fixturegen/scenario/instance_path.hpp>

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fixturegen::scenario {

// Merging variants path by path makes a key that only some *kinds* of an
// object have optional for all of them (`source_count` is in every
// `row_count` check and in no `freshness` check, so it is in some checks,
// so it is optional). A discriminator is the key whose value says which
// kind an object is; with it the compiler can say "when name is row_count,
// source_count is required" (docs/scenario-format.md, "Discriminators").

// One object the variants show at an instance path: its keys, in order, and
// the values of its string members.
struct ObjectOccurrence {
  std::vector<std::string> keys;
  std::map<std::string, std::string, std::less<>> strings;
};

// Every object in `value` by instance path (as collect_instance_paths names
// them: `*` for array elements and for the members of objects whose path is
// in `map_paths`, which are themselves not listed). Appends, so the
// variants of a scenario can be collected one after the other.
void collect_object_occurrences(json::Value value, const PathSet& map_paths,
                                std::map<std::string, std::vector<ObjectOccurrence>, std::less<>>& out);

// What the scenario says about one object path, beside its examples.
struct DiscriminatorHints {
  // The `discriminator` annotation: nothing = detect; an empty optional
  // inside = `false`, no discriminator here; a key = use that key.
  std::optional<std::optional<std::string>> choice;
  // Keys already required at this path (never repeated per kind).
  std::vector<std::string> required;
  // Keys annotated `optional` (never required per kind) and keys with an
  // `enum` annotation (a declared closed set of values).
  std::vector<std::string> optional;
  std::vector<std::string> enumerated;
};

// The per-kind requirements of one object path.
struct Discriminator {
  struct Case {
    std::string value;                  // of the discriminating key
    std::vector<std::string> required;  // keys every object with that value has, beyond `hints.required`; sorted
  };
  std::string key;
  std::vector<Case> cases;  // values in first-seen order; only those that require something
};

// The discriminator of the objects `occurrences`, or nothing. With a key
// chosen in `hints`, that key; otherwise the detected one: a key every
// occurrence has as a string, whose values are kind names (letters, digits,
// `_`, `-`) forming a small closed set (an
// `enum` annotation lists them, or the examples show each value twice on
// average), and that partitions the other keys' presence (some key is in
// every object of one value and in no object of another, and a value seen
// at least twice backs that). Among several, the one that explains the
// presence of the most keys, then an `enum`-annotated one, then the one with
// fewer values, then the first in key order.
std::optional<Discriminator> find_discriminator(const std::vector<ObjectOccurrence>& occurrences,
                                                const DiscriminatorHints& hints);

// Why `key` cannot discriminate `occurrences` (an occurrence lacks it or has
// another type there), for the load check of a `discriminator` annotation;
// nothing when it can.
std::optional<std::string> discriminator_problem(const std::vector<ObjectOccurrence>& occurrences,
                                                 std::string_view key);

}  // namespace fixturegen::scenario
