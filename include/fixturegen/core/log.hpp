#pragma once

#include <fixturegen/core/error.hpp>

#include <fmt/format.h>

#include <string_view>

namespace fixturegen::log {

// Logs and progress go to stderr; stdout is reserved for data.
enum class Level { Quiet, Normal, Verbose };
void set_level(Level level);
Level level();

void info(std::string_view message);     // shown unless --quiet
void detail(std::string_view message);   // shown with --verbose
void warning(std::string_view message);  // "fixturegen: warning: ..."
// The one format for errors: "fixturegen: error: MESSAGE" and, when the
// error knows what to do next, "fixturegen: hint: HINT". Always shown.
void error(const Error& error);
// "fixturegen: hint: ..." on its own: what to do next after a check failed.
void hint(std::string_view message);

template <class... Args>
void info(fmt::format_string<Args...> f, Args&&... args) { info(std::string_view(fmt::format(f, std::forward<Args>(args)...))); }
template <class... Args>
void detail(fmt::format_string<Args...> f, Args&&... args) { if (level() == Level::Verbose) detail(std::string_view(fmt::format(f, std::forward<Args>(args)...))); }
template <class... Args>
void warning(fmt::format_string<Args...> f, Args&&... args) { warning(std::string_view(fmt::format(f, std::forward<Args>(args)...))); }

}  // namespace fixturegen::log
