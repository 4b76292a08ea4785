#pragma once

namespace fixturegen {

// Exit codes follow diff(1): "differences found" is not "could not run".
// Documented in README.md; scripts and CI branch on these values.
enum class ExitCode : int {
  Success = 0,
  CheckFailed = 1,   // validation errors, drift, a file that failed to normalize
  UsageError = 2,    // bad flags, bad configuration or rules file
  EngineOrIoError = 3,  // the engine failed, a file could not be read or written
  InternalError = 4, // a bug in fixturegen (an exception escaped), not bad input
  Interrupted = 130, // SIGINT, as shells report it
};

constexpr int to_int(ExitCode code) { return static_cast<int>(code); }

}  // namespace fixturegen
