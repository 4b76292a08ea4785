#include <fixturegen/core/interrupt.hpp>
#include <fixturegen/core/log.hpp>
#include <fixturegen/core/terminal_text.hpp>
#include <fixturegen/io/file.hpp>
#include <fixturegen/json/pointer.hpp>
#include <fixturegen/normalize/normalizer.hpp>
#include <fixturegen/process/child_process.hpp>
#include <fixturegen/process/sandbox.hpp>
#include <fixturegen/process/sandbox_maker.hpp>
#include <fixturegen/process/sandbox_remover.hpp>
#include <fixturegen/regen/runner.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cstring>
#include <limits>
#include <numeric>
#include <system_error>
#include <thread>

namespace fixturegen::regen {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

std::optional<json::Value> find_pointer(json::Value root, std::string_view pointer) {
  std::vector<std::string> tokens;
  if (!json::split_pointer(pointer, tokens)) return std::nullopt;
  json::Value at = root;
  for (const std::string& token : tokens) {
    if (at.is_object()) {
      auto member = at.find(token);
      if (!member) return std::nullopt;
      at = *member;
    } else if (at.is_array()) {
      std::size_t index = 0;
      const auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), index);
      if (ec != std::errc() || end != token.data() + token.size() || token.empty() || (token.size() > 1 && token[0] == '0')) {
        return std::nullopt;
      }
      if (index >= at.size()) return std::nullopt;
      auto it = at.elements().begin();
      for (std::size_t i = 0; i < index; ++i) ++it;
      at = *it;
    } else {
      return std::nullopt;
    }
  }
  return at;
}

namespace {

std::string milliseconds_text(std::chrono::nanoseconds elapsed) {
  return fmt::format("{} ms", std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count());
}

// A step's time to a tenth of a ms: bench/regen_bench.sh sums these as the
// engine's own time, and whole ms would drop ~0.5 ms per step.
std::string elapsed_text(std::chrono::nanoseconds elapsed) {
  return fmt::format("{:.1f} ms", std::chrono::duration<double, std::milli>(elapsed).count());
}

// The last `lines` lines of a stderr tail, indented, for a message.
std::string last_lines(std::string_view text, std::size_t lines) {
  while (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  std::size_t start = text.size();
  for (std::size_t seen = 0; start > 0; --start) {
    if (text[start - 1] == '\n' && ++seen == lines) break;
  }
  std::string out;
  std::size_t pos = start;
  while (pos < text.size()) {
    const std::size_t end = std::min(text.find('\n', pos), text.size());
    out += fmt::format("\n    | {}", text.substr(pos, end - pos));
    pos = end + 1;
  }
  return out;
}

std::string describe_end(const process::ChildResult& result) {
  if (result.exit_status) return fmt::format("exit {}", *result.exit_status);
  if (result.signal) {
    const char* name = ::sigabbrev_np(*result.signal);
    return fmt::format("killed by signal {} (SIG{})", *result.signal, name ? name : "?");
  }
  return "no exit status";
}

// Scalar JSON values as text for a {placeholder}; containers and null cannot be.
std::optional<std::string> bound_text(json::Value value) {
  switch (value.kind()) {
    case json::Kind::String: return std::string(value.as_string());
    case json::Kind::Integer: return std::string(value.integer_text());
    case json::Kind::Bool: return std::string(value.as_bool() ? "true" : "false");
    case json::Kind::Float: return fmt::format("{}", value.as_double());
    default: return std::nullopt;
  }
}

// A value for a message: scalars as JSON, containers by kind.
std::string scalar_text(json::Value value) {
  if (value.is_string()) return process::shell_quote({std::string(value.as_string())});
  if (value.is_null()) return "null";
  if (value.is_array() || value.is_object()) return fmt::format("an {} of {}", json::kind_name(value.kind()), value.size());
  return bound_text(value).value_or("?");
}

// The whole life of one POC run, with its log.
class PocRunner {
public:
  // `remover`: where the used sandbox goes (null: removed before run() returns).
  PocRunner(const ResolvedPlan& plan, std::size_t index, const RunOptions& options, process::SandboxRemover* remover)
      : m_plan(plan), m_poc(plan.pocs[index]), m_options(options), m_remover(remover) {
    m_run.poc = index;
    m_run.firings.record_locations = options.record_rule_locations;
  }

  // `sandbox`: the POC's fresh copy (made ahead by run_pocs), or the error
  // making it gave.
  PocRun run(Expected<process::Sandbox> sandbox) {
    const auto started = Clock::now();
    execute(std::move(sandbox));
    m_run.duration = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
    if (m_run.error) write_log();
    if (!m_run.ok()) m_run.captures.clear();
    return std::move(m_run);
  }

private:
  void execute(Expected<process::Sandbox> sandbox) {
    if (!sandbox) {
      if (sandbox.error().kind == ErrorKind::Interrupted) {
        m_run.interrupted = true;  // the copy stopped: reported as every other interrupted POC
        return;
      }
      Error error = std::move(sandbox).error();
      error.message = fmt::format("{}: cannot make its sandbox: {}", m_poc.name, error.message);
      m_run.error = std::move(error);
      return;
    }
    if (m_options.keep_sandboxes) {
      sandbox->keep();
      log::info("{}: sandbox kept at {}", m_poc.name, sandbox->root().string());
    }
    run_steps(*sandbox);
    if (m_remover) m_remover->remove_later(std::move(*sandbox));
  }

  void run_steps(const process::Sandbox& sandbox) {
    for (const Step& step : m_poc.steps) {
      if (interrupted()) {
        m_run.interrupted = true;
        return;
      }
      if (!run_step(sandbox, step)) return;
    }
  }

  // The message head every step failure starts with.
  std::string step_head(const Step& step) const {
    return fmt::format("{}: step {} of {} ({})", m_poc.name, step.number, m_poc.steps.size(), step.where.to_string());
  }

  void fail_step(const Step& step, const std::string& command, const process::ChildResult* result, std::string problem,
                 std::string hint) {
    ProcessFailure failure;
    failure.command_line = command;
    std::string message = fmt::format("{}: {}\n  command (run in a sandbox copy of {}): {}", step_head(step), problem,
                                      m_poc.name, command);
    if (result) {
      failure.exit_status = result->exit_status;
      failure.signal = result->signal;
      failure.timed_out = result->timed_out;
      failure.stderr_tail = result->stderr_tail;
      message += fmt::format("\n  ended: {}", result->timed_out ? "timed out, process group killed" : describe_end(*result));
      if (result->stderr_total_bytes == 0) {
        message += "\n  stderr: (empty)";
      } else {
        message += fmt::format("\n  stderr (last lines of {} bytes):{}", result->stderr_total_bytes, last_lines(result->stderr_tail, 12));
      }
    }
    message += fmt::format("\n  log: {}", log_path().string());
    m_run.error = Error::engine(std::move(message), std::move(failure),
                                hint.empty() ? fmt::format("the fixtures of {} were left as they were", m_poc.name)
                                             : fmt::format("{}; the fixtures of {} were left as they were", hint, m_poc.name));
  }

  bool run_step(const process::Sandbox& sandbox, const Step& step) {
    const ResolvedProgram* program = step.tool.empty() ? &m_plan.engine : m_plan.tool(step.tool);
    process::ChildSpec spec;
    spec.argv.push_back(program->path.string());
    std::vector<std::string> shown{program->stable_name};  // the lock's and log's command: no machine paths
    for (const auto& arg : step.args) {
      spec.argv.push_back(substitute_placeholders(arg, m_bound));
      shown.push_back(spec.argv.back());
    }
    const std::string command = process::shell_quote(spec.argv);
    spec.working_dir = sandbox.path();
    spec.env = step_environment(m_plan, step, sandbox.home(), sandbox.tmp(), m_options.varied_env);
    spec.timeout = step.timeout;
    spec.stderr_keep_bytes = std::size_t{256} << 10;
    if (!step.stdin_file.empty()) {
      // Confined again inside the sandbox: an earlier step may have made a symlink.
      auto stdin_path = process::confine(sandbox.path(), substitute_placeholders(step.stdin_file, m_bound),
                                         fmt::format("stdin of step {} in {}", step.number, m_poc.plan_file.string()));
      if (!stdin_path) {
        fail_step(step, command, nullptr, stdin_path.error().message, "");
        return false;
      }
      spec.stdin_file = *stdin_path;
    }

    auto result = process::run_child(spec);
    if (!result) {
      fail_step(step, command, nullptr, result.error().message, result.error().hint);
      return false;
    }
    m_log += fmt::format("== step {} ({}): {}\n   {} after {}\n", step.number, step.where.to_string(), command,
                         result->timed_out ? "timed out" : describe_end(*result), elapsed_text(result->elapsed));
    m_log += fmt::format("-- stderr ({} bytes{}) --\n{}", result->stderr_total_bytes,
                         result->stderr_total_bytes > result->stderr_tail.size() ? ", the last part" : "", result->stderr_tail);
    if (!m_log.empty() && m_log.back() != '\n') m_log += '\n';
    if (result->interrupted) {
      m_run.interrupted = true;
      return false;
    }
    const std::string target = step.capture.empty() ? "" : " -> " + m_poc.capture_file(step);
    log::info("{} step {}/{}: {}{} ({}, {})", m_poc.name, step.number, m_poc.steps.size(), process::shell_quote(shown), target,
              result->timed_out ? "timed out" : describe_end(*result), elapsed_text(result->elapsed));

    if (result->timed_out) {
      fail_step(step, command, &*result,
                fmt::format("timed out after {}", milliseconds_text(step.timeout)),
                "raise `timeout` for this step in capture.toml if it is just slow, or find out why it hangs");
      return false;
    }
    if (result->stdout_overflow) {
      fail_step(step, command, &*result, fmt::format("printed more than {} bytes on stdout", spec.max_stdout_bytes),
                "a capture that big is likely a loop in the engine: run the command above by hand to see what it prints");
      return false;
    }
    if (!result->exit_status) {
      fail_step(step, command, &*result, describe_end(*result),
                "the engine crashed: rerun the command above in a copy of the POC (regen --keep-sandboxes keeps one) to reproduce it");
      return false;
    }
    const int exit_code = *result->exit_status;
    if (!step.allowed_exit(exit_code)) {
      const std::string allowed = step.exit_codes.empty() ? "0 (a step that captures nothing must succeed)"
                                                          : fmt::format("{}", fmt::join(step.exit_codes, ", "));
      fail_step(step, command, &*result, fmt::format("exit code {} is not allowed; allowed: {}", exit_code, allowed),
                step.exit_codes.empty() ? "if this exit code is expected, add e.g. exit = [0, " + std::to_string(exit_code) + "] to the step"
                                        : "if this exit code is expected, add it to the step's `exit` list");
      return false;
    }
    if (!step.reads_stdout()) return true;

    const std::string& out = result->stdout_bytes;
    if (out.find_first_not_of(" \t\r\n") == std::string::npos) {
      fail_step(step, command, &*result, "printed nothing on stdout, but the step needs one JSON document",
                "the engine may have printed its error on stderr (above)");
      return false;
    }
    json::Document document;
    if (auto error = json::Document::parse(out, document)) {
      fail_step(step, command, &*result,
                fmt::format("stdout is not one JSON document: {} (stdout starts: {})", error->to_string(),
                            process::shell_quote({escape_control(std::string_view(out).substr(0, 80), false)})),
                "a captured step must print exactly one JSON document on stdout (logs belong on stderr): "
                "run the command above by hand to see what it printed");
      return false;
    }
    for (const auto& [name, pointer] : step.bind) {
      auto value = find_pointer(document.root(), pointer);
      std::optional<std::string> text = value ? bound_text(*value) : std::nullopt;
      if (!text) {
        fail_step(step, command, &*result,
                  value ? fmt::format("bind.{}: {} in stdout is {}, not a string, number or boolean", name, pointer, json::kind_name(value->kind()))
                        : fmt::format("bind.{}: {} is not in stdout", name, pointer),
                  "");
        return false;
      }
      m_bound.emplace_back(name, std::move(*text));
    }
    for (const Expectation& expectation : step.expect) {
      json::Document expected;
      if (json::Document::parse(expectation.expected_json, expected)) {
        fail_step(step, command, &*result, fmt::format("expect {}: cannot read the expected value", expectation.pointer), "");
        return false;
      }
      auto found = find_pointer(document.root(), expectation.pointer);
      if (!found || !json::json_equal(*found, expected.root())) {
        const std::string found_text = found ? scalar_text(*found) : "nothing (the pointer is not in stdout)";
        fail_step(step, command, &*result,
                  fmt::format("expect {} = {} ({}) failed: found {}", expectation.pointer, expectation.expected_json,
                              expectation.where.to_string(), found_text),
                  "a golden value changed: fix the engine, or update `expect` in capture.toml if the change is intended");
        return false;
      }
    }
    if (step.capture.empty()) return true;
    // Locations are recorded per capture, then tagged with its file below.
    const std::size_t located_before = m_run.firings.locations.size();
    auto normalized = normalize::normalize_text(out, *m_plan.compiled_rules, &m_run.firings);
    if (!normalized) {
      fail_step(step, command, &*result, fmt::format("the normalizer refused stdout: {}", normalized.error().message), "");
      return false;
    }
    const std::string file = m_poc.capture_file(step);
    for (std::size_t i = located_before; i < m_run.firings.locations.size(); ++i) {
      m_run.firings.locations[i].file = file;
    }
    m_run.captures.push_back({file, step.number, process::shell_quote(shown), exit_code, std::move(*normalized),
                              m_options.keep_raw ? out : std::string()});
    return true;
  }

  fs::path log_path() const {
    std::string slug = m_poc.name;
    for (char& c : slug) {
      if (c == '/') c = '_';
    }
    return m_options.log_dir / (slug + ".log");
  }

  void write_log() {
    if (m_options.log_dir.empty()) return;
    m_run.log_file = log_path();
    if (auto written = io::write_file_atomic(m_run.log_file, m_log); !written) {
      log::warning("{}: could not write its log: {}", m_poc.name, written.error().message);
    }
  }

  const ResolvedPlan& m_plan;
  const PocPlan& m_poc;
  const RunOptions& m_options;
  process::SandboxRemover* m_remover;
  PocRun m_run;
  NamedValues m_bound;
  std::string m_log;
};

}  // namespace

PocRun run_poc(const ResolvedPlan& plan, std::size_t poc, const RunOptions& options) {
  const PocPlan& plan_of_poc = plan.pocs[poc];
  return PocRunner(plan, poc, options, nullptr)
      .run(process::Sandbox::create(plan_of_poc.dir, plan_of_poc.clean, options.sandbox_parent));
}

std::vector<PocRun> run_pocs(const ResolvedPlan& plan, const RunOptions& options) {
  std::vector<PocRun> runs(plan.selected.size());
  // Longest first (the lock's durations): the last POC to start is a short
  // one, so -j N ends close to total / N. Unknown durations go first.
  std::vector<std::size_t> order(plan.selected.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  const auto duration_of = [&](std::size_t k) -> std::int64_t {
    const LockedPoc* locked = plan.lock ? plan.lock->find(plan.pocs[plan.selected[k]].name) : nullptr;
    return locked ? locked->duration_ms : std::numeric_limits<std::int64_t>::max();
  };
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return duration_of(a) > duration_of(b); });
  std::atomic<std::size_t> next{0};
  // Sandboxes are copied ahead, in `order`, and deleted behind, while POCs
  // run (sandbox_maker.hpp, sandbox_remover.hpp): neither the copy nor the
  // delete of one POC's sandbox waits between two POCs. The copies are done
  // before this returns, and so are the deletes unless options.remover
  // (whose owner finishes them) was given.
  process::SandboxRemover own_remover;
  process::SandboxRemover& remover = options.remover ? *options.remover : own_remover;
  std::vector<process::SandboxRequest> requests;
  requests.reserve(order.size());
  for (const std::size_t k : order) requests.push_back({plan.pocs[plan.selected[k]].dir, plan.pocs[plan.selected[k]].clean});
  const std::size_t threads = std::clamp<std::size_t>(options.jobs, 1, std::max<std::size_t>(plan.selected.size(), 1));
  process::SandboxMaker maker(std::move(requests), options.sandbox_parent, threads);
  const auto worker = [&] {
    for (std::size_t n = next++; n < order.size(); n = next++) {
      const std::size_t k = order[n];
      if (interrupted()) {
        runs[k].poc = plan.selected[k];
        runs[k].interrupted = true;
        continue;
      }
      runs[k] = PocRunner(plan, plan.selected[k], options, &remover).run(maker.take(n));
    }
  };
  std::vector<std::thread> pool;
  for (std::size_t i = 1; i < threads; ++i) {
    // A thread that cannot be started (EAGAIN under a process limit) leaves
    // fewer workers; this thread still takes every POC the others do not.
    try {
      pool.emplace_back(worker);
    } catch (const std::system_error&) {
      break;
    }
  }
  worker();
  for (auto& thread : pool) thread.join();
  own_remover.finish();
  return runs;
}

}  // namespace fixturegen::regen
