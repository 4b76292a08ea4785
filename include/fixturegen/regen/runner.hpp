#pragma once

// Running POCs: each in a fresh sandbox copy, its steps in order, each step
// exec'd without a shell in a pinned environment, its stdout checked and
// normalized in process. Nothing here writes a fixture: a POC's captures are
// returned whole (all of its steps succeeded) or not at all, and the caller
// (regen.hpp) decides what to write.

#include <fixturegen/core/error.hpp>
#include <fixturegen/json/document.hpp>
#include <fixturegen/normalize/rules.hpp>
#include <fixturegen/regen/preflight.hpp>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace fixturegen::process {
class SandboxRemover;
}

namespace fixturegen::regen {

struct CapturedFile {
  std::string file;      // relative to the output dir
  std::size_t step = 0;
  std::string command;   // shell_quote'd, programs named as configured (no machine paths)
  int exit_code = 0;
  std::string bytes;     // normalized
  std::string raw;       // stdout as the engine printed it, only with RunOptions::keep_raw
};

struct PocRun {
  std::size_t poc = 0;                 // index into ResolvedPlan::pocs
  std::optional<Error> error;          // the first failure; then nothing of this POC is written
  bool interrupted = false;
  std::vector<CapturedFile> captures;  // complete only without an error
  std::chrono::milliseconds duration{0};
  std::filesystem::path log_file;      // the stderr of every step, kept when the POC failed
  normalize::RuleFirings firings;      // how often each rule fired on this POC's captures
  bool ok() const { return !error && !interrupted; }
};

struct RunOptions {
  unsigned jobs = 1;                    // POCs at once
  bool keep_sandboxes = false;
  std::filesystem::path log_dir;        // where failed POCs' logs go
  std::filesystem::path sandbox_parent; // "" = $TMPDIR or /tmp
  // For `fixturegen stability`: keep each capture's raw stdout, record where
  // rules fired, and vary the environment (step_environment's `varied`).
  bool keep_raw = false;
  bool record_rule_locations = false;
  NamedValues varied_env;
  // Where used sandboxes go to be deleted in the background. Null: run_pocs
  // deletes them all before it returns; given (regen): the caller's remover
  // finishes the last ones while the captures are written.
  process::SandboxRemover* remover = nullptr;
};

// One POC, start to end. Reports one line per step through log::info.
PocRun run_poc(const ResolvedPlan& plan, std::size_t poc, const RunOptions& options);

// Every selected POC, `options.jobs` at once (steps within a POC stay in
// order); results in plan order. Stops starting POCs on an interrupt.
std::vector<PocRun> run_pocs(const ResolvedPlan& plan, const RunOptions& options);

// The value at a JSON Pointer, or nullopt.
std::optional<json::Value> find_pointer(json::Value root, std::string_view pointer);

}  // namespace fixturegen::regen
