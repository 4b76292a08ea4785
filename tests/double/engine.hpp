// rocky-double (test double of the Rocky engine): the invocation, the clock
// and the tracing log every command shares, and the commands themselves.
#pragma once

#include "project.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace rocky_double {

using ojson = nlohmann::ordered_json;

constexpr const char* kDoubleVersion = "0.1.0";

struct Invocation {
  std::string config = "rocky.toml";
  std::string command;
  std::vector<std::string> positionals;
  std::map<std::string, std::string> options;  // "--filter" -> "source=orders"
  std::vector<std::string> flags;              // "--status"
  std::optional<std::string> option(const std::string& name) const;
  bool flag(const std::string& name) const;
};

// The result of a command: its JSON document and the exit code it ends with
// (doctor: 1 on a warning, 2 on a critical check; run: 1 on partial failure).
struct Outcome {
  ojson document;
  int exit_code = 0;
};

// RFC 3339 UTC with microseconds, as the engine prints timestamps.
std::string now_rfc3339();
// run-YYYYMMDD-HHMMSS-NNN (milliseconds), the engine's run id format.
std::string new_run_id();
std::string host_name();
long long elapsed_ms(std::chrono::steady_clock::time_point since);

// Tracing logs: one JSON object per line on stderr, as the engine's
// tracing-subscriber JSON layer writes them. stdout is only the document.
void log_event(const std::string& level, const std::string& target, const std::string& message);

// The commands of the capture plan (engine.cpp). Each throws EngineError on
// a failure that prints no document.
Outcome cmd_discover(const Invocation& inv);
Outcome cmd_plan(const Invocation& inv);
Outcome cmd_run(const Invocation& inv);
Outcome cmd_state(const Invocation& inv);
Outcome cmd_compile(const Invocation& inv);
Outcome cmd_test(const Invocation& inv);
Outcome cmd_ci(const Invocation& inv);
Outcome cmd_lineage(const Invocation& inv);
Outcome cmd_doctor(const Invocation& inv);
Outcome cmd_history(const Invocation& inv);
Outcome cmd_metrics(const Invocation& inv);
Outcome cmd_optimize(const Invocation& inv);
Outcome cmd_dag(const Invocation& inv);
Outcome cmd_cost(const Invocation& inv);
Outcome cmd_review(const Invocation& inv);
Outcome cmd_apply(const Invocation& inv);

}  // namespace rocky_double
