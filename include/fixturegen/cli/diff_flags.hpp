#pragma once

// The flags and the output that `diff` and `review` share: which changes
// are rule-owned (--profile/--rules), --all, --color, --format, and the
// report printed with diff(1)'s exit codes (0 same, 1 different, 2 trouble).

#include <fixturegen/core/error.hpp>
#include <fixturegen/diff/capture_tree.hpp>
#include <fixturegen/diff/report.hpp>
#include <fixturegen/normalize/rules.hpp>

#include <string>

namespace CLI {
class App;
}

namespace fixturegen::cli {

// diff(1)'s "trouble" has the value of the project's usage/config code.
inline constexpr ExitCode kDiffTrouble = ExitCode::UsageError;

struct DiffFlags {
  bool all = false;
  std::string color = "auto";  // auto, always, never
  std::string format = "text";
  std::string profile;
  std::string rules_file;
};

void add_diff_flags(CLI::App& sub, DiffFlags& flags);

// The rules that decide which values are rule-owned (default profile when
// neither flag is given).
Expected<normalize::CompiledRules> diff_rules(const DiffFlags& flags);

// Logs each unreadable file's error, prints the report on stdout and
// returns the verdict as an exit code.
Expected<ExitCode> print_diff_report(const diff::TreeDiff& tree, const DiffFlags& flags, std::string old_label,
                                     std::string new_label);

// diff(1): any trouble is 2. An interrupt stays 130, a bug stays 4; any
// other error is logged here and becomes 2.
Expected<ExitCode> as_diff_exit(Expected<ExitCode> result);

}  // namespace fixturegen::cli
