#pragma once

// TEST-ONLY hook: lets an end-to-end test stop a command at a named point
// and interrupt it there, deterministically (tests/e2e/pending_cli.sh
// interrupts `accept` between two files). Set FIXTUREGEN_TEST_PAUSE to
// "POINT:FIFO": when the command reaches POINT it reads FIFO until the test
// closes its end, or until SIGINT/SIGTERM (then Error::interrupted). Unset,
// as it always is outside tests, every point returns at once. Not a user
// feature: it is documented as test-only and must stay so.

#include <fixturegen/core/error.hpp>

#include <string_view>

namespace fixturegen::io {

inline constexpr const char* kTestPauseVariable = "FIXTUREGEN_TEST_PAUSE";

Expected<void> test_pause(std::string_view point);

}  // namespace fixturegen::io
