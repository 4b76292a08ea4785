#pragma once

// CONTRACT (agreed between the `process` and `regen` work): the process
// helper implements this header in src/process/child_process.cpp; regen codes
// against it. Extend it, but keep what is here source-compatible.

#include <fixturegen/core/error.hpp>

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace fixturegen::process {

// One program to run: exec'd directly (no shell), in its own process group.
struct ChildSpec {
  std::vector<std::string> argv;          // argv[0] is the program: a path (has '/') or a name looked up on `env`'s PATH
  std::filesystem::path working_dir;      // the sandbox, never the POC itself
  std::vector<std::string> env;           // the complete environment, "KEY=VALUE"; nothing else is inherited
  std::optional<std::filesystem::path> stdin_file;  // else stdin is /dev/null
  std::chrono::milliseconds timeout{std::chrono::minutes(10)};
  std::size_t max_stdout_bytes = std::size_t{1} << 30;  // more is an error, the child is killed
  std::size_t stderr_keep_bytes = std::size_t{64} << 10; // the tail kept for messages and logs
};

// How it ended. Exactly one of exit_status / signal is set unless the child
// never started (then run_child returns an Error instead).
struct ChildResult {
  std::string stdout_bytes;               // everything it printed, up to max_stdout_bytes
  std::string stderr_tail;                // the last stderr_keep_bytes of its stderr
  std::size_t stderr_total_bytes = 0;
  std::optional<int> exit_status;
  std::optional<int> signal;
  bool timed_out = false;                 // killed (whole process group) after `timeout`
  bool stdout_overflow = false;           // killed after max_stdout_bytes
  bool interrupted = false;               // SIGINT/SIGTERM arrived (core/interrupt.hpp): group killed
  std::chrono::nanoseconds elapsed{0};
};

// Runs one child to completion, draining stdout and stderr concurrently (no
// pipe deadlock on huge output) with poll(), also waiting on interrupt_fd()
// so Ctrl-C on any thread ends the wait at once. On timeout, overflow or
// interrupt the whole process group gets SIGTERM, then SIGKILL after a short
// grace. Returns an Error (kind Engine or Io) only when the child could not
// be started (program not found, not executable, stdin file missing); every
// way a started child ends is a ChildResult. Safe to call from several
// threads at once.
//
// Details (src/process/child_process.cpp, docs/architecture.md):
// - argv[0] without '/' is looked up with find_program on the PATH entry of
//   `env` (execvp's "/bin:/usr/bin" when there is none); a relative path with
//   '/' is taken from fixturegen's working directory, not `working_dir`.
// - The wait is ppoll() with SIGINT/SIGTERM blocked outside it (ninja's
//   SubprocessSet); with interrupted() already true nothing starts and the
//   Error has kind Interrupted.
// - When the child exits, anything it left running in its process group
//   (a background job holding the pipes) gets SIGTERM, then SIGKILL; pipes
//   held by something that left the group are abandoned 1 s after that.
// - `timeout` of more than a century means none; zero or less, already over.
// - The only other Errors: no pipes or descriptors left (Io), and a failed
//   wait (Internal; the group is killed and the child reaped first).
Expected<ChildResult> run_child(const ChildSpec& spec);

// The command line as a user can paste it into a POSIX shell: words of
// [A-Za-z0-9_@%+=:,./-] as they are, others in single quotes with ' as '\''
// (a first word with '=' is quoted too, or a shell reads an assignment).
std::string shell_quote(const std::vector<std::string>& argv);

// Resolves a program name the way execvp would on the given PATH value; a
// name with '/' is returned as is if it exists. Error (kind Config, naming
// the program and the PATH searched) when not found or not an executable
// file. Unlike execvp, empty and relative PATH entries are skipped: they
// would depend on the current directory.
Expected<std::filesystem::path> find_program(const std::string& name, const std::string& path_value);

}  // namespace fixturegen::process
