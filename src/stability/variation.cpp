#include <fixturegen/stability/variation.hpp>

#include <fmt/format.h>

#include <array>

namespace fixturegen::stability {

namespace {

// Half-hour and odd offsets from UTC on both sides, so a time printed in
// local time differs from UTC in its hour and its minutes.
constexpr std::array kTimeZones{"Asia/Kolkata", "America/St_Johns", "Pacific/Chatham", "Asia/Kathmandu"};
// C.UTF-8 always exists on Debian; the others change the decimal separator
// and case rules where installed (an engine falls back to C otherwise).
constexpr std::array kLocales{"C.UTF-8", "de_DE.UTF-8", "tr_TR.UTF-8", "fr_FR.UTF-8"};
// Over a day, so dates move too, and not a round number of hours.
constexpr std::int64_t kClockStepSeconds = 27 * 3600 + 17 * 60 + 23;

}  // namespace

RunVariation variation_for(std::size_t run) {
  RunVariation variation;
  if (run == 0) {
    variation.description = "the plan's environment (TZ=UTC, LC_ALL=C)";
    return variation;
  }
  const std::size_t pick = (run - 1) % kTimeZones.size();
  variation.clock_offset_seconds = static_cast<std::int64_t>(run) * kClockStepSeconds;
  variation.env = {{"TZ", kTimeZones[pick]},
                   {"LC_ALL", kLocales[pick]},
                   {"LANG", kLocales[pick]},
                   {kClockOffsetVariable, std::to_string(variation.clock_offset_seconds)}};
  const std::int64_t s = variation.clock_offset_seconds;
  variation.description = fmt::format("TZ={} LC_ALL=LANG={} clock +{}h{:02}m{:02}s ({}={})", kTimeZones[pick], kLocales[pick],
                                      s / 3600, s / 60 % 60, s % 60, kClockOffsetVariable, s);
  return variation;
}

}  // namespace fixturegen::stability
