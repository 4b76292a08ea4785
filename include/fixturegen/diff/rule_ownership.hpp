#pragma once

// Which values the normalizer's rules own: asked of a location in a document
// rather than of the streaming normalizer, so a diff can tell a changed
// duration (the rules zero it anyway) from a changed row count.
//
// The decision mirrors normalize::Normalizer's (src/normalize/normalizer.cpp,
// docs/normalize-rules.md "How rules apply"): path rules first, in order, the
// first whose action fits the value's type; then, for object members, key
// rules; a value inside an opaque one is never touched. test_diff.cpp checks
// the two agree on every leaf of a document normalized for real.

#include <fixturegen/json/document.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fixturegen::normalize {
class CompiledRules;
}

namespace fixturegen::diff {

// What normalizing does at one location.
enum class RuleEffect {
  Descend,   // no rule: the value stays, a container is entered
  Keep,      // preserved: the value stays (a container is still entered)
  Opaque,    // nothing at or below is touched
  Replaced,  // the value becomes `replacement` (compact JSON text)
};

struct RuleDecision {
  RuleEffect effect = RuleEffect::Descend;
  std::string replacement;  // Replaced only
};

// What `rules` do to `value` at `path` (unescaped tokens from the root,
// array indices as decimal text). `in_object`: the value is an object
// member, named by path.back(), so key rules apply. A Scrub rule whose regex
// fails to run counts as Descend (a diff must not fail on it; normalize
// reports it).
RuleDecision decide_at(const normalize::CompiledRules& rules, const std::vector<std::string>& path, bool in_object,
                       json::Value value);

// Whether the values at `pointer` in the two documents would be equal after
// normalizing both with `rules`: no ancestor is opaque and both sides are
// replaced with the same text. False when the pointer is missing on either
// side (an added or removed member is never owned).
bool owned_by_rules(const normalize::CompiledRules& rules, json::Value old_root, json::Value new_root,
                    std::string_view pointer);

}  // namespace fixturegen::diff
