#include <fixturegen/cli/command.hpp>
#include <fixturegen/core/interrupt.hpp>
#include <fixturegen/core/log.hpp>
#include <fixturegen/io/file.hpp>
#include <fixturegen/normalize/normalizer.hpp>
#include <fixturegen/normalize/rule_accounting.hpp>
#include <fixturegen/normalize/rules_file.hpp>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cstdio>
#include <memory>

namespace fixturegen::cli {

namespace {

struct NormalizeOptions {
  std::string profile;
  std::string rules_file;
  bool in_place = false;
  bool check = false;
  bool stats = false;
  std::string output;
  std::vector<std::string> files;
};

// "-" is standard input. Both reads end at Ctrl-C, even while they wait.
Expected<std::string> read_input(const std::string& file) {
  return file == "-" ? io::read_standard_input() : io::read_file(file);
}

std::string display_name(const std::string& file) { return file == "-" ? "<stdin>" : file; }

Expected<ExitCode> run_normalize(const NormalizeOptions& options) {
  const bool writes_files = options.in_place || options.check;
  if (options.files.size() > 1 && !writes_files) {
    return Error::usage(fmt::format("{} files given without --in-place", options.files.size()),
                        "normalize several files with --in-place (or --check); a single file prints to stdout");
  }
  // --in-place, --check and --output exclude each other: CLI11 refuses those.
  if (writes_files) {
    for (const auto& file : options.files) {
      if (file == "-") return Error::usage("standard input ('-') cannot be normalized --in-place or --check");
    }
  }

  auto rules = normalize::resolve_rules(options.profile, options.rules_file);
  if (!rules) return std::move(rules).error();
  auto compiled = normalize::compile_rules(std::move(*rules));
  if (!compiled) return std::move(compiled).error();

  // Each file on its own: one bad file does not stop the others, and a file
  // that fails is never written. --in-place stages every result and makes
  // them visible together at the end, so an interrupt changes nothing.
  ExitCode worst = ExitCode::Success;
  std::size_t changed = 0;
  std::size_t failed = 0;
  io::StagedWrites staged;
  normalize::RuleFirings firings;
  auto fail = [&](Error error) {
    ++failed;
    if (error.code() == ExitCode::EngineOrIoError || worst == ExitCode::Success) worst = error.code();
    log::error(error);
  };
  const auto stop = [] {
    log::error(Error::interrupted("interrupted: no file was changed"));
    return ExitCode::Interrupted;
  };
  for (const auto& file : options.files) {
    if (interrupted()) return stop();
    auto input = read_input(file);
    // Reading may block (stdin from a pipe): look again before any output.
    if (interrupted()) return stop();
    if (!input) {
      fail(std::move(input).error());
      continue;
    }
    auto output = normalize::normalize_text(*input, *compiled, options.stats ? &firings : nullptr);
    if (!output) {
      fail(Error::check(fmt::format("{}:{}", display_name(file), output.error().message),
                        writes_files ? "the file was left unchanged; fix the capture or the engine that printed it" : ""));
      continue;
    }
    if (options.check) {
      if (*output != *input) {
        ++changed;
        log::info("would change {}", file);
      }
      continue;
    }
    if (options.in_place || !options.output.empty()) {
      const std::string target = options.in_place ? file : options.output;
      auto will_change = staged.stage(target, *output);
      if (!will_change) {
        fail(std::move(will_change).error());
        continue;
      }
      log::detail("{} {}", *will_change ? "normalized" : "unchanged", target);
      continue;
    }
    std::fwrite(output->data(), 1, output->size(), stdout);
    if (std::fflush(stdout) != 0) return Error::io("cannot write to standard output");
  }
  if (interrupted()) return stop();
  // Every file whose rename fails is named and counted; the others are
  // still replaced (one immutable file does not hold back the rest).
  const io::CommitReport report = staged.commit();
  for (const io::FileOutcome& outcome : report.files) {
    if (outcome.error) fail(*outcome.error);
  }
  if (!options.check) changed = report.written();
  if (staged.stale_temps_removed() > 0)
    log::info("removed {} temp file(s) left by an earlier run that was killed", staged.stale_temps_removed());

  // On stderr, as every log: stdout may be the normalized capture.
  if (options.stats) log::info("{}", normalize::render_rule_counts(*compiled, firings, failed == 0));
  if (options.check) {
    log::info("{} of {} files would change", changed, options.files.size());
    if (worst == ExitCode::Success && changed > 0) worst = ExitCode::CheckFailed;
  } else if (options.in_place) {
    log::info("normalized {} files: {} changed, {} failed", options.files.size(), changed, failed);
  }
  return worst;
}

}  // namespace

CommandAction setup_normalize(CLI::App& sub) {
  auto options = std::make_shared<NormalizeOptions>();
  sub.footer(
      "Durations become 0, wall-clock times and run ids become sentinels, and the layout is exactly\n"
      "Python's json.dump(indent=2) plus a newline. One FILE prints to stdout. Rules: docs/normalize-rules.md.\n"
      "Exit: 0 done, 1 a file was refused (or would change, with --check), 2 usage, 3 I/O.");
  auto* profile = sub.add_option("--profile", options->profile, "Built-in rules: default, rocky-current (default: default)");
  auto* rules = sub.add_option("--rules", options->rules_file, "Rules file (TOML, docs/normalize-rules.md)")->check(CLI::ExistingFile);
  profile->excludes(rules);
  auto* in_place = sub.add_flag("-i,--in-place", options->in_place, "Rewrite each FILE atomically");
  auto* check = sub.add_flag("--check", options->check, "Write nothing; exit 1 when a FILE is not normalized");
  auto* output = sub.add_option("-o,--output", options->output, "Write the result to this file (one FILE)");
  sub.add_flag("--stats", options->stats, "Say on stderr how often each rule fired over the FILEs; rules that never fired are dead");
  in_place->excludes(check);
  output->excludes(in_place)->excludes(check);
  sub.add_option("files", options->files, "Capture files ('-' reads stdin)")->required();
  return [options] { return run_normalize(*options); };
}

}  // namespace fixturegen::cli
