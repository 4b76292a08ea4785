#pragma once

#include <fixturegen/core/exit_code.hpp>

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace fixturegen {

// An error carried as a value up to the one place that prints it (cli/main).
// `message` says what went wrong and where; `hint` says what to do next.
struct Error {
  ExitCode code = ExitCode::CheckFailed;
  std::string message;
  std::string hint;

  static Error usage(std::string message, std::string hint = {}) {
    return {ExitCode::UsageError, std::move(message), std::move(hint)};
  }
  static Error io(std::string message, std::string hint = {}) {
    return {ExitCode::EngineOrIoError, std::move(message), std::move(hint)};
  }
  static Error check(std::string message, std::string hint = {}) {
    return {ExitCode::CheckFailed, std::move(message), std::move(hint)};
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
