#pragma once

// A property a fuzz target asserts: on failure it prints what broke and
// aborts, which libFuzzer reports as a crash and saves the input.

#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace fixturegen::fuzz {

[[noreturn]] inline void property_failed(const char* what, std::string_view detail, const char* file, int line) {
  std::fprintf(stderr, "%s:%d: property failed: %s\n%.*s\n", file, line, what,
               static_cast<int>(detail.size() > 4000 ? 4000 : detail.size()), detail.data());
  std::abort();
}

}  // namespace fixturegen::fuzz

#define FUZZ_CHECK(condition, detail)                                                    \
  do {                                                                                   \
    if (!(condition)) ::fixturegen::fuzz::property_failed(#condition, (detail), __FILE__, __LINE__); \
  } while (false)
