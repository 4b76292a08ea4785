// rocky-double (test double of the Rocky engine): clock, ids, host, logs.
#include "engine.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <iostream>
#include <unistd.h>

namespace rocky_double {

std::optional<std::string> Invocation::option(const std::string& name) const {
  auto it = options.find(name);
  if (it == options.end()) return std::nullopt;
  return it->second;
}

bool Invocation::flag(const std::string& name) const {
  return std::find(flags.begin(), flags.end(), name) != flags.end();
}

namespace {

// FIXTUREGEN_CLOCK_OFFSET (seconds) moves the double's clock, so that
// `fixturegen stability` can show it a later time without faketime; a real
// engine sees a later wall clock anyway, because stability's runs are
// sequential.
std::chrono::system_clock::time_point current_time() {
  const auto now = std::chrono::system_clock::now();
  const char* offset = std::getenv("FIXTUREGEN_CLOCK_OFFSET");
  if (!offset || !*offset) return now;
  char* end = nullptr;
  const long long seconds = std::strtoll(offset, &end, 10);
  if (*end != '\0') return now;
  return now + std::chrono::seconds(seconds);
}

std::string format_utc(const char* format, bool with_micros, int* millis_out) {
  const auto now = current_time();
  const auto micros =
      std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count() % 1000000;
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buffer[64];
  // The two formats are literals of this file; strftime takes them as data.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
  std::strftime(buffer, sizeof buffer, format, &utc);
#pragma GCC diagnostic pop
  std::string out = buffer;
  if (with_micros) {
    char fraction[16];
    std::snprintf(fraction, sizeof fraction, ".%06dZ", static_cast<int>(micros));
    out += fraction;
  }
  if (millis_out) *millis_out = static_cast<int>(micros / 1000);
  return out;
}

}  // namespace

std::string now_rfc3339() { return format_utc("%Y-%m-%dT%H:%M:%S", true, nullptr); }

std::string new_run_id() {
  int millis = 0;
  std::string stamp = format_utc("%Y%m%d-%H%M%S", false, &millis);
  char suffix[8];
  std::snprintf(suffix, sizeof suffix, "-%03d", millis);
  return "run-" + stamp + suffix;
}

std::string host_name() {
  char buffer[256] = {};
  if (::gethostname(buffer, sizeof buffer - 1) != 0) return "localhost";
  return buffer;
}

long long elapsed_ms(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - since).count();
}

void log_event(const std::string& level, const std::string& target, const std::string& message) {
  ojson line;
  line["timestamp"] = now_rfc3339();
  line["level"] = level;
  line["fields"] = {{"message", message}};
  line["target"] = target;
  std::cerr << line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
}

}  // namespace rocky_double
