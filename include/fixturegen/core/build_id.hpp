#pragma once

#include <optional>
#include <string>

namespace fixturegen {

// This binary's GNU build id (the linker's hash of its code) in hex, from
// its own program headers; nullopt when it was linked without one. What
// tells one build from another where a version number would not: a cache
// of compiled schemas must never hand a program to a build that compiles
// differently.
const std::optional<std::string>& build_id();

}  // namespace fixturegen
