#include <fixturegen/stability/report.hpp>

#include <nlohmann/json.hpp>

#include <fmt/format.h>

namespace fixturegen::stability {

namespace {

constexpr std::size_t kShownOccurrences = 3;
constexpr std::size_t kValueWidth = 80;

std::string cut(const std::string& text) {
  if (text.empty()) return "(absent)";
  return text.size() <= kValueWidth ? text : text.substr(0, kValueWidth) + "…";
}

std::string_view kind_name(FindingKind kind) {
  switch (kind) {
    case FindingKind::Varies: return "varies";
    case FindingKind::MachineDependent: return "machine_dependent";
    case FindingKind::Structure: return "structure";
  }
  return "varies";
}

std::string headline(const Finding& finding) {
  const std::string where = finding.key.empty() ? finding.patterns.front() : fmt::format("`{}`", finding.key);
  const std::size_t files = [&] {
    std::vector<std::string> seen;
    for (const Occurrence& occurrence : finding.occurrences) {
      if (std::find(seen.begin(), seen.end(), occurrence.file) == seen.end()) seen.push_back(occurrence.file);
    }
    return seen.size();
  }();
  switch (finding.kind) {
    case FindingKind::Varies:
      return fmt::format("{} {} differs between runs at {} place(s) in {} capture(s)", value_class_name(finding.value_class),
                         where, finding.occurrences.size(), files);
    case FindingKind::MachineDependent:
      return fmt::format("{} {} is the same in every run here, but it is this machine's {} ({} place(s) in {} capture(s)): "
                         "it will differ on another machine or engine build",
                         value_class_name(finding.value_class), where,
                         finding.value_class == ValueClass::HostName ? "host name" : "engine version", finding.occurrences.size(),
                         files);
    case FindingKind::Structure:
      return fmt::format("structure at {} differs between runs ({} place(s) in {} capture(s))", finding.patterns.front(),
                         finding.occurrences.size(), files);
  }
  return {};
}

}  // namespace

StabilityReport make_report(Analysis analysis, std::vector<std::string> run_labels, const normalize::NormalizeRules& rules) {
  StabilityReport report;
  report.run_labels = std::move(run_labels);
  report.rules_source = rules.source;
  for (const Finding& finding : analysis.findings) report.proposals.push_back(propose_rule(finding, rules));
  report.fragment = render_rules_fragment(report.proposals, rules);
  report.analysis = std::move(analysis);
  return report;
}

std::string render_text(const StabilityReport& report) {
  const Analysis& analysis = report.analysis;
  std::string out = fmt::format("stability: {} runs of {} capture(s), rules {}\n", analysis.runs, analysis.captures,
                                report.rules_source);
  for (const std::string& label : report.run_labels) out += fmt::format("  {}\n", label);
  if (analysis.stable()) {
    out += "stable: every normalized capture is the same in every run\n";
  } else {
    out += fmt::format("unstable: {} finding(s) the rules miss\n", analysis.findings.size());
  }
  for (std::size_t i = 0; i < analysis.findings.size(); ++i) {
    const Finding& finding = analysis.findings[i];
    const RuleProposal& proposal = report.proposals[i];
    out += fmt::format("\n{}. {}\n", i + 1, headline(finding));
    for (std::size_t k = 0; k < finding.occurrences.size() && k < kShownOccurrences; ++k) {
      const Occurrence& occurrence = finding.occurrences[k];
      out += fmt::format("   {}#{}:", occurrence.file, occurrence.pointer.empty() ? "(root)" : occurrence.pointer);
      for (std::size_t r = 0; r < occurrence.values.size(); ++r) out += fmt::format(" run {}: {};", r + 1, cut(occurrence.values[r]));
      out.back() = '\n';
    }
    if (finding.occurrences.size() > kShownOccurrences) {
      out += fmt::format("   (+{} more)\n", finding.occurrences.size() - kShownOccurrences);
    }
    if (finding.patterns.size() > 1 || !finding.key.empty()) {
      out += "   pointers:";
      for (const std::string& pattern : finding.patterns) out += " " + pattern;
      out += "\n";
    }
    out += fmt::format("   {}\n", proposal.reason);
    if (proposal.placement != Placement::None) {
      std::size_t start = 0;
      while (start < proposal.toml.size()) {
        const std::size_t end = std::min(proposal.toml.find('\n', start), proposal.toml.size());
        out += fmt::format("     {}\n", std::string_view(proposal.toml).substr(start, end - start));
        start = end + 1;
      }
    }
  }
  if (!report.fragment.empty()) {
    out += "\nproposed rules, ready to paste into the rules file (docs/stability.md):\n";
    out += report.fragment;
  }
  for (const QuietRule& quiet : analysis.quiet_rules) {
    out += fmt::format("\nwarning: rule {} replaced {} value(s) that were the same in every run; it may hide a real "
                       "regression (or these runs did not vary what moves it)\n",
                       quiet.rule, quiet.locations);
    for (const Occurrence& sample : quiet.samples) {
      out += fmt::format("   {}#{}: {}\n", sample.file, sample.pointer, cut(sample.values.empty() ? std::string() : sample.values[0]));
    }
  }
  return out;
}

std::string render_json(const StabilityReport& report) {
  const Analysis& analysis = report.analysis;
  nlohmann::ordered_json doc;
  doc["verdict"] = analysis.stable() ? "stable" : "unstable";
  doc["runs"] = report.run_labels;
  doc["rules"] = report.rules_source;
  doc["captures"] = analysis.captures;
  doc["findings"] = nlohmann::ordered_json::array();
  for (std::size_t i = 0; i < analysis.findings.size(); ++i) {
    const Finding& finding = analysis.findings[i];
    const RuleProposal& proposal = report.proposals[i];
    nlohmann::ordered_json entry;
    entry["kind"] = kind_name(finding.kind);
    entry["class"] = value_class_name(finding.value_class);
    entry["key"] = finding.key;
    entry["patterns"] = finding.patterns;
    entry["key_unambiguous"] = finding.key_unambiguous;
    entry["occurrences"] = nlohmann::ordered_json::array();
    for (const Occurrence& occurrence : finding.occurrences) {
      entry["occurrences"].push_back({{"file", occurrence.file}, {"pointer", occurrence.pointer}, {"values", occurrence.values}});
    }
    entry["rule"] = {{"placement", placement_name(proposal.placement)}, {"toml", proposal.toml}, {"reason", proposal.reason}};
    doc["findings"].push_back(std::move(entry));
  }
  doc["proposed_rules"] = report.fragment;
  doc["quiet_rules"] = nlohmann::ordered_json::array();
  for (const QuietRule& quiet : analysis.quiet_rules) {
    nlohmann::ordered_json entry{{"rule", quiet.rule}, {"locations", quiet.locations}};
    entry["samples"] = nlohmann::ordered_json::array();
    for (const Occurrence& sample : quiet.samples) {
      entry["samples"].push_back({{"file", sample.file}, {"pointer", sample.pointer}, {"values", sample.values}});
    }
    doc["quiet_rules"].push_back(std::move(entry));
  }
  return doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace fixturegen::stability
