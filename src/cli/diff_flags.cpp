#include <fixturegen/cli/diff_flags.hpp>
#include <fixturegen/core/log.hpp>
#include <fixturegen/normalize/rules_file.hpp>

#include <CLI/CLI.hpp>

#include <cstdio>
#include <cstdlib>
#include <unistd.h>

namespace fixturegen::cli {

void add_diff_flags(CLI::App& sub, DiffFlags& flags) {
  sub.add_flag("--all", flags.all, "Also show changes to values the normalize rules own");
  sub.add_option("--color", flags.color, "Colour: auto (a terminal and no NO_COLOR), always, never")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  sub.add_option("--format", flags.format, "Report format: text or json")->check(CLI::IsMember({"text", "json"}));
  auto* profile = sub.add_option("--profile", flags.profile,
                                 "Rules deciding which values are rule-owned: default, rocky-current (default: default)");
  auto* rules = sub.add_option("--rules", flags.rules_file, "Rules file deciding which values are rule-owned")
                    ->check(CLI::ExistingFile);
  profile->excludes(rules);
}

Expected<normalize::CompiledRules> diff_rules(const DiffFlags& flags) {
  auto rules = normalize::resolve_rules(flags.profile, flags.rules_file);
  if (!rules) return std::move(rules).error();
  return normalize::compile_rules(std::move(*rules));
}

Expected<ExitCode> print_diff_report(const diff::TreeDiff& tree, const DiffFlags& flags, std::string old_label,
                                     std::string new_label) {
  diff::ReportOptions report;
  report.old_label = std::move(old_label);
  report.new_label = std::move(new_label);
  report.show_owned = flags.all;
  const diff::ColorMode mode = flags.color == "always" ? diff::ColorMode::Always
                              : flags.color == "never"  ? diff::ColorMode::Never
                                                        : diff::ColorMode::Auto;
  report.color = flags.format == "text" && diff::color_wanted(mode, ::isatty(1) == 1, std::getenv("NO_COLOR"));

  for (const diff::FileDiff& file : tree.files) {
    if (file.status == diff::FileStatus::Unreadable && file.error) log::error(*file.error);
  }
  const std::string text = flags.format == "json" ? diff::render_json(tree, report) : diff::render_text(tree, report);
  std::fwrite(text.data(), 1, text.size(), stdout);
  if (std::fflush(stdout) != 0) return Error::io("cannot write to standard output");

  switch (diff::verdict(tree, report)) {
    case diff::Verdict::Same: return ExitCode::Success;
    case diff::Verdict::Different: return ExitCode::CheckFailed;
    case diff::Verdict::Trouble: return kDiffTrouble;
  }
  return kDiffTrouble;
}

Expected<ExitCode> as_diff_exit(Expected<ExitCode> result) {
  if (result) return result;
  const Error& error = result.error();
  if (error.kind == ErrorKind::Interrupted || error.kind == ErrorKind::Internal || error.code() == kDiffTrouble)
    return result;
  log::error(error);
  return kDiffTrouble;
}

}  // namespace fixturegen::cli
