#pragma once

// Turns a normalized capture back into something that looks like what the
// live engine prints: fresh durations, timestamps, run ids and versions in
// the fields rocky-current normalizes, raw UTF-8 instead of \u escapes, and
// another layout (compact, 4-space, tabs, CRLF) with other number
// spellings. Normalizing the result must give the original bytes back.

#include <fixturegen/json/document.hpp>

#include <cstdint>
#include <string>

namespace fixturegen::test {

struct LiveLike {
  std::string text;
  std::size_t changes = 0;   // values perturbed
  std::string description;   // the layout chosen, for failure messages
};

LiveLike make_live_like(json::Value normalized, std::uint32_t seed);

}  // namespace fixturegen::test
