#include "faults.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>
#include <unistd.h>

namespace rocky_double {

namespace {

long number_after(const std::string& text, size_t at, long fallback) {
  if (at >= text.size()) return fallback;
  try {
    return std::stol(text.substr(at));
  } catch (...) {
    return fallback;
  }
}

void write_all(int fd, const char* data, size_t size) {
  while (size > 0) {
    const ssize_t n = ::write(fd, data, size);
    if (n <= 0) return;  // the reader went away: stop quietly
    data += n;
    size -= static_cast<size_t>(n);
  }
}

}  // namespace

FaultPlan FaultPlan::from_environment(const std::string& command) {
  FaultPlan plan;
  const char* env = std::getenv("ROCKY_DOUBLE_FAULT");
  if (!env || !*env) return plan;
  std::stringstream list(env);
  std::string item;
  while (std::getline(list, item, ',')) {
    const auto colon = item.find(':');
    if (colon != std::string::npos) {
      if (item.substr(0, colon) != command) continue;
      item = item.substr(colon + 1);
    }
    if (item == "crash") plan.m_crash = true;
    else if (item == "hang") plan.m_hang = true;
    else if (item.rfind("latency=", 0) == 0) plan.m_latency_ms = number_after(item, 8, 0);
    else if (item.rfind("json-then-exit-", 0) == 0) plan.m_exit_override = static_cast<int>(number_after(item, 15, 1));
    else if (item.rfind("stderr-flood", 0) == 0) plan.m_stderr_flood_mb = number_after(item, 13, 64);
    else if (item.rfind("huge", 0) == 0) {
      plan.m_output_mode = "huge";
      plan.m_output_arg = number_after(item, 5, 300);
    } else if (item == "empty" || item == "garbage" || item == "truncated" || item == "extra-field" ||
               item == "changed-type") {
      plan.m_output_mode = item;
    } else {
      std::cerr << "rocky-double: unknown ROCKY_DOUBLE_FAULT mode '" << item << "'\n";
      std::exit(2);
    }
  }
  return plan;
}

void FaultPlan::before_command() const {
  if (m_latency_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(m_latency_ms));
  if (m_crash) {
    std::cerr << "rocky-double: injected crash\n";
    std::abort();
  }
  if (m_hang) {
    std::cerr << "rocky-double: injected hang\n";
    for (;;) ::pause();
  }
}

void FaultPlan::emit(const nlohmann::ordered_json& document, int& exit_code) const {
  if (m_stderr_flood_mb > 0) {
    std::cerr.flush();
    std::string line = R"({"level":"DEBUG","target":"rocky::flood","fields":{"message":")" + std::string(400, 'x') + "\"}}\n";
    std::string block;
    while (block.size() < (1 << 20)) block += line;
    for (long i = 0; i < m_stderr_flood_mb; ++i) write_all(2, block.data(), block.size());
  }
  nlohmann::ordered_json doc = document;
  const std::string mode = m_output_mode.value_or("");
  std::string text;
  if (mode == "empty") {
    text.clear();
  } else if (mode == "garbage") {
    text = "thread 'main' panicked at src/main.rs:1:1:\n\x01\x02 not json {{{\n";
  } else if (mode == "truncated") {
    const std::string full = doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
    text = full.substr(0, full.size() / 2);
  } else if (mode == "huge") {
    // One valid document of about m_output_arg MB: the real document's keys
    // plus a long array, written in blocks so memory stays small.
    std::string head = doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
    head.pop_back();  // the closing brace
    head += ",\n  \"padding\": [\n";
    write_all(1, head.data(), head.size());
    const std::string item = "    \"" + std::string(1000, 'p') + "\",\n";
    std::string block;
    while (block.size() < (1 << 20)) block += item;
    for (long i = 0; i < m_output_arg; ++i) write_all(1, block.data(), block.size());
    const std::string tail = "    \"end\"\n  ]\n}\n";
    write_all(1, tail.data(), tail.size());
    if (m_exit_override) exit_code = *m_exit_override;
    return;
  } else {
    if (mode == "extra-field") doc["unexpected_field_from_double"] = true;
    if (mode == "changed-type") {
      for (auto& [key, value] : doc.items()) {
        if (key == "version" || key == "command" || value.is_null()) continue;
        if (value.is_string()) value = 12345;
        else if (value.is_number() || value.is_boolean()) value = "changed";
        else if (value.is_array()) value = nlohmann::ordered_json::object();
        else value = nlohmann::ordered_json::array();
        break;
      }
    }
    text = doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  }
  write_all(1, text.data(), text.size());
  if (m_exit_override) exit_code = *m_exit_override;
}

}  // namespace rocky_double
