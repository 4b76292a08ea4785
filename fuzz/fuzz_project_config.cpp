// fixturegen.toml and capture.toml: any text is parsed or refused with a
// message, never a crash. Input = one file's text; the first byte picks
// which parser (even: fixturegen.toml, odd: capture.toml) so one corpus
// serves both.
#include <fixturegen/regen/capture_plan.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

using namespace fixturegen;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] % 2 == 0) {
    (void)regen::parse_project_config(text, "/nonexistent-fuzz-project/fixturegen.toml");
  } else {
    regen::PlanProblems problems;
    (void)regen::parse_poc_plan(text, "pocs/fuzz", "/nonexistent-fuzz-project/pocs/fuzz", problems);
  }
  return 0;
}
