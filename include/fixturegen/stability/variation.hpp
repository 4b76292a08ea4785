#pragma once

// How `fixturegen stability` varies the environment between runs of the same
// plan. The first run is the plan's own (TZ=UTC, LC_ALL=C, the default temp
// parent); each later one gets another time zone (with a half-hour offset, so
// hour arithmetic shows), another locale, a later clock and a different
// sandbox parent (the command makes those). Pure: a run number in, values out.

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace fixturegen::stability {

// The variable the engine double (tests/double) adds to its clock, in
// seconds. A real engine ignores it; it still sees a later wall clock,
// because the runs are sequential.
inline constexpr const char* kClockOffsetVariable = "FIXTUREGEN_CLOCK_OFFSET";

struct RunVariation {
  std::vector<std::pair<std::string, std::string>> env;  // replaces the plan's pinned defaults
  std::int64_t clock_offset_seconds = 0;
  std::string description;  // "TZ=Asia/Kolkata LC_ALL=C.UTF-8 clock +27h17m23s"
};

// `run` counts from 0; run 0 is not varied.
RunVariation variation_for(std::size_t run);

}  // namespace fixturegen::stability
