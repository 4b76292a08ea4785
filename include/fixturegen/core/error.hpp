#pragma once

#include <fixturegen/core/exit_code.hpp>

#include <cassert>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace fixturegen {

// What kind of failure an Error is. CI must tell drift (Check) from a broken
// setup (Config, Engine, Io) and from a fixturegen bug (Internal); reports in
// JSON and JUnit carry the kind, the exit code follows from it.
enum class ErrorKind {
  Check,        // a capture drifted, failed validation, or is not normalized
  Config,       // bad flags, a bad plan, rules, scenario or schema file
  Engine,       // the engine (or a step's tool) failed: see Error::engine
  Io,           // a file could not be read or written
  Internal,     // a bug: an exception escaped, an invariant broke
  Interrupted,  // SIGINT or SIGTERM
};

constexpr ExitCode exit_code_for(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::Check: return ExitCode::CheckFailed;
    case ErrorKind::Config: return ExitCode::UsageError;
    case ErrorKind::Engine:
    case ErrorKind::Io: return ExitCode::EngineOrIoError;
    case ErrorKind::Internal: return ExitCode::InternalError;
    case ErrorKind::Interrupted: return ExitCode::Interrupted;
  }
  return ExitCode::InternalError;
}

constexpr const char* to_string(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::Check: return "check";
    case ErrorKind::Config: return "config";
    case ErrorKind::Engine: return "engine";
    case ErrorKind::Io: return "io";
    case ErrorKind::Internal: return "internal";
    case ErrorKind::Interrupted: return "interrupted";
  }
  return "internal";
}

// How a child process (the engine or a step's tool) ended, for an Engine
// error: enough to reproduce the call and read why it failed.
struct ProcessFailure {
  std::string command_line;  // as a shell would quote it, to paste and rerun
  std::optional<int> exit_status;  // set when the process exited
  std::optional<int> signal;       // set when a signal killed it
  bool timed_out = false;
  std::string stderr_tail;   // the last lines of its stderr
};

// An error carried as a value up to the one place that prints it (cli/app).
// `message` says what went wrong and where; `hint` says what to do next.
struct Error {
  ErrorKind kind = ErrorKind::Check;
  std::string message;
  std::string hint;
  std::optional<ProcessFailure> process;  // only for ErrorKind::Engine

  ExitCode code() const { return exit_code_for(kind); }

  static Error usage(std::string message, std::string hint = {}) {
    return {ErrorKind::Config, std::move(message), std::move(hint), {}};
  }
  static Error config(std::string message, std::string hint = {}) {
    return {ErrorKind::Config, std::move(message), std::move(hint), {}};
  }
  static Error io(std::string message, std::string hint = {}) {
    return {ErrorKind::Io, std::move(message), std::move(hint), {}};
  }
  static Error check(std::string message, std::string hint = {}) {
    return {ErrorKind::Check, std::move(message), std::move(hint), {}};
  }
  static Error engine(std::string message, ProcessFailure process, std::string hint = {}) {
    return {ErrorKind::Engine, std::move(message), std::move(hint), std::move(process)};
  }
  static Error internal(std::string message, std::string hint = {}) {
    return {ErrorKind::Internal, std::move(message), std::move(hint), {}};
  }
  static Error interrupted(std::string message = "interrupted") {
    return {ErrorKind::Interrupted, std::move(message), {}, {}};
  }
};

// A value or an Error. A small stand-in for C++23 std::expected.
template <class T>
class [[nodiscard]] Expected {
public:
  Expected(T value) : m_data(std::in_place_index<0>, std::move(value)) {}
  Expected(Error error) : m_data(std::in_place_index<1>, std::move(error)) {}

  bool has_value() const { return m_data.index() == 0; }
  explicit operator bool() const { return has_value(); }

  T& value() & { assert(has_value()); return std::get<0>(m_data); }
  const T& value() const& { assert(has_value()); return std::get<0>(m_data); }
  T&& value() && { assert(has_value()); return std::get<0>(std::move(m_data)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const& { assert(!has_value()); return std::get<1>(m_data); }
  Error&& error() && { assert(!has_value()); return std::get<1>(std::move(m_data)); }

private:
  std::variant<T, Error> m_data;
};

// Expected<void>: success or an Error.
template <>
class [[nodiscard]] Expected<void> {
public:
  Expected() = default;
  Expected(Error error) : m_error(std::move(error)), m_failed(true) {}

  bool has_value() const { return !m_failed; }
  explicit operator bool() const { return has_value(); }
  const Error& error() const& { assert(m_failed); return m_error; }
  Error&& error() && { assert(m_failed); return std::move(m_error); }

private:
  Error m_error;
  bool m_failed = false;
};

}  // namespace fixturegen
