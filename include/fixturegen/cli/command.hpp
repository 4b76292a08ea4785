#pragma once

#include <fixturegen/core/error.hpp>

#include <functional>
#include <string_view>

namespace CLI {
class App;
}

namespace fixturegen::cli {

// What a subcommand does once its flags are parsed. It returns the exit code
// of a run that completed (Success, or CheckFailed when it found problems)
// or an Error, which app.cpp prints in the one place that prints errors.
using CommandAction = std::function<Expected<ExitCode>()>;

// One subcommand: its name, its one-line help, and the function that adds its
// flags to `sub` and returns the action. app.cpp holds the table of them.
struct CommandSpec {
  std::string_view name;
  std::string_view summary;
  CommandAction (*setup)(CLI::App& sub);
};

CommandAction setup_normalize(CLI::App& sub);
CommandAction setup_schemas(CLI::App& sub);
CommandAction setup_validate(CLI::App& sub);
CommandAction setup_regen(CLI::App& sub);
CommandAction setup_status(CLI::App& sub);
CommandAction setup_diff(CLI::App& sub);
CommandAction setup_review(CLI::App& sub);
CommandAction setup_accept(CLI::App& sub);
CommandAction setup_reject(CLI::App& sub);
CommandAction setup_stability(CLI::App& sub);

}  // namespace fixturegen::cli
