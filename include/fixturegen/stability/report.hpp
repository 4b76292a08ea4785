#pragma once

// What `fixturegen stability` prints: per finding the class of values, the
// pointers and sample values that justify it and the proposed rule; then all
// proposals as one fragment ready to paste; then the rules that may hide a
// regression. Text for people, JSON for tools (docs/stability.md).

#include <fixturegen/normalize/rules.hpp>
#include <fixturegen/stability/analysis.hpp>
#include <fixturegen/stability/rule_proposal.hpp>

#include <string>
#include <vector>

namespace fixturegen::stability {

struct StabilityReport {
  std::vector<std::string> run_labels;  // how each run was varied
  std::string rules_source;             // "profile rocky-current", "rules.toml"
  Analysis analysis;
  std::vector<RuleProposal> proposals;  // parallel to analysis.findings
  std::string fragment;                 // render_rules_fragment of them
};

// Proposes a rule for every finding and merges them.
StabilityReport make_report(Analysis analysis, std::vector<std::string> run_labels, const normalize::NormalizeRules& rules);

std::string render_text(const StabilityReport& report);
std::string render_json(const StabilityReport& report);

}  // namespace fixturegen::stability
