// rocky-double: a TEST DOUBLE of the Rocky engine's CLI, for fixturegen's own
// tests and `just main` — not Rocky. It runs the commands of the capture plan
// against a real DuckDB file and prints JSON in the real engine's shapes;
// `fixturegen regen` is meant for a real `rocky` build. See tests/double/README.md.
#include "engine.hpp"
#include "faults.hpp"

#include <cstring>
#include <iostream>
#include <set>

namespace {

using namespace rocky_double;

constexpr int kExitUsage = 2;

struct CommandSpec {
  const char* name;
  Outcome (*run)(const Invocation&);
  std::set<std::string> options;  // taking a value
  std::set<std::string> flags;
  size_t min_positionals, max_positionals;
  const char* positional_name;
};

const CommandSpec kCommands[] = {
    {"discover", cmd_discover, {}, {}, 0, 0, ""},
    {"plan", cmd_plan, {"--filter"}, {}, 0, 0, ""},
    {"run", cmd_run, {"--filter", "--models", "--partition", "--from", "--to"}, {}, 0, 0, ""},
    {"state", cmd_state, {}, {}, 0, 0, ""},
    {"compile", cmd_compile, {"--models", "--contracts"}, {}, 0, 0, ""},
    {"test", cmd_test, {"--models", "--contracts"}, {}, 0, 0, ""},
    {"ci", cmd_ci, {"--models", "--contracts"}, {}, 0, 0, ""},
    {"lineage", cmd_lineage, {"--models", "--column"}, {}, 1, 1, "<MODEL>"},
    {"doctor", cmd_doctor, {}, {}, 0, 0, ""},
    {"history", cmd_history, {"--model"}, {}, 0, 0, ""},
    {"metrics", cmd_metrics, {}, {}, 1, 1, "<MODEL>"},
    {"optimize", cmd_optimize, {}, {}, 0, 0, ""},
    {"dag", cmd_dag, {"--models"}, {}, 0, 0, ""},
    {"cost", cmd_cost, {}, {}, 1, 1, "<RUN_ID|latest>"},
    {"review", cmd_review, {}, {"--status"}, 1, 1, "<PLAN_ID>"},
    {"apply", cmd_apply, {}, {}, 1, 1, "<PLAN_ID>"},
};

constexpr const char* kHelp =
    "rocky-double 0.1.0 — a TEST DOUBLE of the Rocky engine (not Rocky)\n\n"
    "Usage: rocky-double [OPTIONS] <COMMAND>\n\n"
    "Commands:\n"
    "  discover, plan, run, state, compile, test, ci, lineage, doctor, history,\n"
    "  metrics, optimize, dag, cost, review, apply\n\n"
    "Options:\n"
    "  -c, --config <CONFIG>  [default: rocky.toml]\n"
    "  -o, --output <FORMAT>  json (the only format of the double)\n"
    "  -V, --version          Print version\n"
    "  -h, --help             Print help\n\n"
    "Fault injection: ROCKY_DOUBLE_FAULT=[command:]mode[,...] (see tests/double/README.md)\n";

// clap's wording, so a wrapper that greps for it sees the same thing.
[[noreturn]] void usage_error(const std::string& message) {
  std::cerr << "error: " << message << "\n\nUsage: rocky [OPTIONS] <COMMAND>\n\nFor more information, try '--help'.\n";
  std::exit(kExitUsage);
}

Invocation parse(int argc, char** argv, const CommandSpec*& spec) {
  Invocation inv;
  spec = nullptr;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    std::optional<std::string> inline_value;
    if (arg.rfind("--", 0) == 0 && arg.find('=') != std::string::npos) {
      inline_value = arg.substr(arg.find('=') + 1);
      arg = arg.substr(0, arg.find('='));
    }
    auto value = [&]() -> std::string {
      if (inline_value) return *inline_value;
      if (i + 1 >= argc) usage_error("a value is required for '" + arg + "' but none was supplied");
      return argv[++i];
    };
    if (arg == "-c" || arg == "--config") {
      inv.config = value();
    } else if (arg == "-o" || arg == "--output") {
      const std::string format = value();
      if (format != "json") usage_error("invalid value '" + format + "' for '--output <FORMAT>': the double prints json only");
    } else if (arg == "-h" || arg == "--help") {
      std::cout << kHelp;
      std::exit(0);
    } else if (arg == "-V" || arg == "--version") {
      std::cout << "rocky-double " << kDoubleVersion << " (test double of rocky)\n";
      std::exit(0);
    } else if (!spec) {
      if (!arg.empty() && arg[0] == '-') usage_error("unexpected argument '" + arg + "' found");
      for (const CommandSpec& candidate : kCommands)
        if (arg == candidate.name) spec = &candidate;
      if (!spec) usage_error("unrecognized subcommand '" + arg + "'");
      inv.command = arg;
    } else if (spec->options.count(arg)) {
      inv.options[arg] = value();
    } else if (spec->flags.count(arg)) {
      inv.flags.push_back(arg);
    } else if (!arg.empty() && arg[0] == '-' && arg != "-") {
      usage_error("unexpected argument '" + arg + "' found");
    } else {
      inv.positionals.push_back(arg);
    }
  }
  if (!spec) usage_error("'rocky' requires a subcommand but one was not provided");
  if (inv.positionals.size() < spec->min_positionals)
    usage_error(std::string("the following required arguments were not provided:\n  ") + spec->positional_name);
  if (inv.positionals.size() > spec->max_positionals)
    usage_error("unexpected argument '" + inv.positionals.back() + "' found");
  return inv;
}

}  // namespace

int main(int argc, char** argv) {
  const CommandSpec* spec = nullptr;
  const Invocation inv = parse(argc, argv, spec);
  const FaultPlan faults = FaultPlan::from_environment(inv.command);
  faults.before_command();
  Outcome outcome;
  try {
    outcome = spec->run(inv);
  } catch (const EngineError& error) {
    log_event("ERROR", "rocky", error.what());
    std::cerr << "Error: " << error.what() << '\n';
    return error.exit_code;
  } catch (const std::exception& error) {  // a bug in the double: say so
    log_event("ERROR", "rocky", std::string("internal error in rocky-double: ") + error.what());
    return 70;
  }
  faults.emit(outcome.document, outcome.exit_code);
  return outcome.exit_code;
}
