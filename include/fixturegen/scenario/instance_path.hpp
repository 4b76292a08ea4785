#pragma once

#include <fixturegen/json/document.hpp>

#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>

namespace fixturegen::scenario {

// Instance paths name places in an output type rather than in one document:
// JSON Pointers (RFC 6901 escaping) in which `*` stands for any array element
// and for any member of a map (an object annotated `map`). "" is the root.
// Annotations are keyed by them, and coverage compares them between the
// scenarios and the captures.

using PathSet = std::set<std::string, std::less<>>;

// Bit set of the json::Kind values seen at one path.
using KindMask = unsigned;
constexpr KindMask kind_bit(json::Kind kind) { return 1u << static_cast<unsigned>(kind); }

// Adds every instance path of `value` (the root "" included) to `paths`, and
// the kinds seen at each to `kinds` when it is given. Objects whose own path
// is in `map_paths` contribute `<path>/*` for all their members. Iterative:
// a capture of any depth is fine.
void collect_instance_paths(json::Value value, const PathSet& map_paths, PathSet& paths,
                            std::map<std::string, KindMask, std::less<>>* kinds = nullptr);

// The parent of a non-root instance path ("/a/*/b" -> "/a/*", "/a" -> "").
std::string_view parent_path(std::string_view path);

}  // namespace fixturegen::scenario
