// rocky-double (test double of the Rocky engine): fault injection for
// fixturegen's reliability tests, from ROCKY_DOUBLE_FAULT=[command:]mode[,...]:
//   crash            abort() after printing nothing (SIGABRT)
//   hang             sleep until killed
//   empty            print nothing, exit 0
//   garbage          print text that is not JSON, exit 0
//   truncated        print the first half of the JSON document, exit 0
//   json-then-exit-N print the document, exit N
//   huge[=MB]        a valid JSON document of MB megabytes (default 300)
//   stderr-flood[=MB] MB megabytes of log lines on stderr (default 64), then the document
//   extra-field      the document with an unknown top-level key
//   changed-type     the document with one top-level value of another type
//   latency=MS       sleep MS milliseconds before the command runs
// A mode without `command:` applies to every command.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace rocky_double {

class FaultPlan {
 public:
  static FaultPlan from_environment(const std::string& command);
  void before_command() const;  // latency, crash, hang
  // Prints the document (or its faulty version) and may end the process.
  void emit(const nlohmann::ordered_json& document, int& exit_code) const;

 private:
  std::optional<std::string> m_output_mode;  // empty, garbage, truncated, huge, extra-field, changed-type
  long m_output_arg = 0;
  std::optional<int> m_exit_override;
  bool m_crash = false, m_hang = false;
  long m_latency_ms = 0;
  long m_stderr_flood_mb = 0;
};

}  // namespace rocky_double
