#pragma once

// The capture plan: what `fixturegen regen` runs. Two files, both TOML:
// fixturegen.toml at the project root (output dir, the explicit list of POCs,
// the engine, tools, normalizer rules, environment) and one capture.toml per
// POC (its output sub-folder, state files to leave out of the sandbox, and
// its steps in order). Format: README.md, "The capture plan".
//
// Parsing is pure (text in, plan or problems out); every problem names the
// file, line, column and key, and all of a file's problems are reported at
// once rather than one per run.

#include <fixturegen/core/error.hpp>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fixturegen::regen {

// A place in a plan file, for messages: "pocs/a/capture.toml:12:1".
struct SourcePlace {
  std::string file;
  std::size_t line = 0;
  std::size_t column = 0;
  std::string to_string() const;
};

// Problems found while reading a plan; turned into one configuration error
// that lists them all.
struct PlanProblems {
  std::vector<std::string> messages;
  void add(const SourcePlace& where, std::string_view what);
  void add(std::string message) { messages.push_back(std::move(message)); }
  bool empty() const { return messages.empty(); }
  Error to_error(std::string_view what_was_read) const;
};

using NamedValues = std::vector<std::pair<std::string, std::string>>;  // in file order

// `expect = { "/reviewed" = false }`: a JSON Pointer into the step's stdout
// and the value that must be there, kept as canonical JSON text.
struct Expectation {
  std::string pointer;
  std::string expected_json;
  SourcePlace where;
};

// One command in a POC, run in order in the POC's sandbox.
struct Step {
  std::size_t number = 0;            // 1-based, as messages show it
  SourcePlace where;                 // its [[step]] header
  std::string tool;                  // "" = the engine
  std::vector<std::string> args;     // may hold {name} placeholders bound earlier
  std::string stdin_file;            // relative to the POC; "" = /dev/null
  std::string capture;               // "" = not captured; else <output>/<poc output>/<capture>.json
  NamedValues bind;                  // placeholder name -> JSON Pointer into this step's stdout
  std::vector<int> exit_codes;       // allowed; empty = default (see allowed_exit)
  std::chrono::milliseconds timeout{std::chrono::minutes(10)};
  NamedValues env;
  std::vector<Expectation> expect;

  // Whether stdout must be one JSON document: captured, bound from or checked.
  bool reads_stdout() const { return !capture.empty() || !bind.empty() || !expect.empty(); }
  // A step that reads stdout accepts any exit code unless `exit` narrows it
  // (`rocky doctor` exits 1 or 2 with valid JSON); a step that does not read
  // stdout has only its exit code to go by, so it defaults to 0.
  bool allowed_exit(int code) const;
};

// One POC's capture.toml.
struct PocPlan {
  std::string name;                  // as listed in fixturegen.toml: "pocs/02-performance/03-partition"
  std::filesystem::path dir;         // absolute
  std::filesystem::path plan_file;   // dir / "capture.toml"
  std::string output;                // sub-folder of the output dir; "" = top level
  std::vector<std::string> clean;    // relative paths left out of the sandbox
  std::vector<Step> steps;

  // "<output>/<capture>.json" relative to the output dir, for one step.
  std::string capture_file(const Step& step) const;
};

struct PocEntry {
  std::string name;
  SourcePlace where;
};

// fixturegen.toml.
struct ProjectConfig {
  std::filesystem::path file;        // the config file itself
  std::filesystem::path root;        // its folder: every path in it is relative to this
  std::string output;                // relative to root
  std::vector<PocEntry> pocs;        // explicit, in order
  std::string engine_command;        // a path if it has '/', else looked up on PATH
  std::string engine_version;        // "" = no pin
  NamedValues tools;                 // name -> program
  std::string normalize_profile;     // exactly one of profile / rules ("" both: default profile)
  std::string normalize_rules;       // relative to root
  NamedValues env;                   // set for every step
  std::vector<std::string> pass_env; // taken from fixturegen's own environment when set
};

// The file name of the per-POC plan.
inline constexpr std::string_view kPocPlanFile = "capture.toml";
inline constexpr std::string_view kDefaultConfigFile = "fixturegen.toml";

// Parses fixturegen.toml. `file` names it in messages and fixes its folder.
Expected<ProjectConfig> parse_project_config(std::string_view text, const std::filesystem::path& file);
Expected<ProjectConfig> load_project_config(const std::filesystem::path& file);

// Parses one capture.toml; problems are added to `problems` (so a caller can
// gather every POC's at once) and nullopt is returned when there were any.
std::optional<PocPlan> parse_poc_plan(std::string_view text, const std::string& poc_name,
                                      const std::filesystem::path& poc_dir, PlanProblems& problems);

// "60s", "10m", "500ms", "1h" -> milliseconds; nullopt when malformed or zero.
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);

// Whether `relative` stays inside the folder it is relative to, judged on the
// text alone: not empty, not absolute, no ".." or empty segment. Symlinks are
// judged where the files are (see path_stays_inside).
bool is_confined_relative_path(std::string_view relative);

// Whether `path` (inside `root`, following symlinks) still resolves inside
// `root`. A path that does not exist is judged by its existing parent.
bool path_stays_inside(const std::filesystem::path& root, const std::filesystem::path& path);

// The {name} placeholders in `text`, in order. A placeholder is '{', a name
// ([A-Za-z_][A-Za-z0-9_]*), '}'; any other brace is literal text.
std::vector<std::string> placeholders_in(std::string_view text);

// Replaces each {name} with its bound value; a name without a value stays as
// written (a plan check refuses that before anything runs).
std::string substitute_placeholders(std::string_view text, const NamedValues& bound);

}  // namespace fixturegen::regen
