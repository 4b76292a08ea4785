#include <fixturegen/cli/app.hpp>
#include <fixturegen/cli/command.hpp>
#include <fixturegen/core/interrupt.hpp>
#include <fixturegen/core/log.hpp>
#include <fixturegen/core/version.hpp>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fixturegen::cli {
namespace {

// Every subcommand, in the order `--help` lists them. Adding one is one line
// here plus its cmd_*.cpp file.
constexpr std::array kCommands{
    CommandSpec{"regen", "Run the capture plan: the engine against every POC, captures normalized into the corpus", setup_regen},
    CommandSpec{"status", "Say which captures are stale since the last regen, without running a step", setup_status},
    CommandSpec{"normalize", "Rewrite captures into stable, Python-identical bytes", setup_normalize},
    CommandSpec{"schemas", "Compile scenarios/ into JSON Schemas (and check they are current)", setup_schemas},
    CommandSpec{"validate", "Check captures against the schemas compiled from scenarios/", setup_validate},
    CommandSpec{"diff", "Compare captures per JSON Pointer (two paths, or the working tree with a git revision)", setup_diff},
    CommandSpec{"review", "List pending captures (NAME.json.new) with their semantic diffs", setup_review},
    CommandSpec{"accept", "Promote pending captures over the committed ones, atomically", setup_accept},
    CommandSpec{"reject", "Delete pending captures, atomically", setup_reject},
    CommandSpec{"stability", "Capture twice in varied environments and propose rules for the fields that moved", setup_stability},
};

// The subcommand the user meant when `name` is none: the known one within
// two edits (a typo), else nothing.
std::optional<std::string_view> closest_command(std::string_view name) {
  std::optional<std::string_view> best;
  std::size_t best_distance = 3;
  for (const CommandSpec& spec : kCommands) {
    // Levenshtein distance, one row at a time.
    std::vector<std::size_t> row(spec.name.size() + 1);
    for (std::size_t j = 0; j < row.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= name.size(); ++i) {
      std::size_t diagonal = row[0];
      row[0] = i;
      for (std::size_t j = 1; j < row.size(); ++j) {
        const std::size_t above = row[j];
        row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (name[i - 1] == spec.name[j - 1] ? 0 : 1)});
        diagonal = above;
      }
    }
    if (row.back() < best_distance) best_distance = row.back(), best = spec.name;
  }
  return best;
}

// CLI11 reports `fixturegen bogus` as "A subcommand is required": name the
// word it did not know and the ones it does. The first argument that is not
// an option is the subcommand (the global flags take no values).
std::optional<Error> unknown_command_error(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg.starts_with('-')) continue;
    for (const CommandSpec& spec : kCommands)
      if (spec.name == arg) return std::nullopt;
    std::vector<std::string_view> names;
    for (const CommandSpec& spec : kCommands) names.push_back(spec.name);
    std::string hint = fmt::format("the subcommands are: {}", fmt::join(names, ", "));
    if (std::optional<std::string_view> meant = closest_command(arg)) hint = fmt::format("did you mean `{}`? {}", *meant, hint);
    return Error::usage(fmt::format("unknown subcommand `{}`", arg), hint + "; run 'fixturegen --help'");
  }
  return std::nullopt;
}

// The subcommand named on the command line: the first argument that is not
// an option (the global flags take no values), when it is a known one.
std::optional<std::string_view> invoked_command(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg.starts_with('-')) continue;
    for (const CommandSpec& spec : kCommands)
      if (spec.name == arg) return spec.name;
    return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace

int run(int argc, char** argv) {
  CLI::App app{"fixturegen — live-binary test fixtures for the Rocky engine:\n"
               "capture (regen), normalize, compile scenarios into schemas, validate.",
               "fixturegen"};
  app.set_version_flag("--version", fmt::format("fixturegen {}", version()));
  app.require_subcommand(1);
  app.fallthrough();
  bool verbose = false;
  bool quiet = false;
  app.add_flag("-v,--verbose", verbose, "Log every step to stderr");
  app.add_flag("-q,--quiet", quiet, "Log only warnings and errors");

  // Setting up every subcommand's options was most of the start-up work
  // (about 0.9 M instructions): when the command line names a subcommand,
  // only that one is set up. Otherwise (--help, --version, a typo) all are,
  // so help lists them and the typo gets its suggestion.
  const std::optional<std::string_view> invoked = invoked_command(argc, argv);
  CommandAction action;
  for (const CommandSpec& spec : kCommands) {
    if (invoked && spec.name != *invoked) continue;
    CLI::App* sub = app.add_subcommand(std::string(spec.name), std::string(spec.summary));
    CommandAction made = spec.setup(*sub);
    sub->callback([&action, made] { action = made; });
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);  // prints help on stdout, exit 0
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    if (std::optional<Error> unknown = unknown_command_error(argc, argv)) {
      log::error(*unknown);
      return to_int(unknown->code());
    }
    log::error(Error::usage(e.what(), "run 'fixturegen --help' or 'fixturegen SUBCOMMAND --help'"));
    return to_int(ExitCode::UsageError);
  }

  log::set_level(quiet ? log::Level::Quiet : verbose ? log::Level::Verbose : log::Level::Normal);
  install_interrupt_handler();

  try {
    Expected<ExitCode> result = action();
    if (!result) {
      log::error(result.error());
      return to_int(result.error().code());
    }
    return to_int(*result);
  } catch (const std::bad_alloc&) {
    log::error(Error::io("out of memory", "the input may be larger than this machine can hold"));
    return to_int(ExitCode::EngineOrIoError);
  } catch (const std::exception& e) {
    // A bug, not bad input: bad input is reported as an Error value.
    log::error(Error::internal(fmt::format("internal error: {}", e.what()),
                                "please report this with the command line that caused it"));
    return to_int(ExitCode::InternalError);
  }
}

}  // namespace fixturegen::cli
