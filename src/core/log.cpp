#include <fixturegen/core/log.hpp>

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace fixturegen::log {
namespace {

Level g_level = Level::Normal;

spdlog::logger& logger() {
  // stderr, unbuffered relative to our own writes, plain "fixturegen: ..."
  // lines as compilers print them (no timestamps: CI logs have their own).
  static auto instance = [] {
    auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
    auto made = std::make_shared<spdlog::logger>("fixturegen", sink);
    made->set_pattern("fixturegen: %v");
    made->set_level(spdlog::level::trace);
    return made;
  }();
  return *instance;
}

}  // namespace

void set_level(Level level) { g_level = level; }
Level level() { return g_level; }

void info(std::string_view message) {
  if (g_level != Level::Quiet) logger().info(message);
}
void detail(std::string_view message) {
  if (g_level == Level::Verbose) logger().debug(message);
}
void warning(std::string_view message) { logger().warn("warning: {}", message); }

void error(const Error& error) {
  logger().error("error: {}", error.message);
  if (!error.hint.empty()) hint(error.hint);
}

void hint(std::string_view message) { logger().error("hint: {}", message); }

}  // namespace fixturegen::log
