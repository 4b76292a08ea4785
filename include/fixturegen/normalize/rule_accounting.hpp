#pragma once

// Rule accounting: how often each normalize rule fired over some captures
// (`normalize --stats`, every regen summary), and which never did. A rule
// that never fires over a whole regen is dead: a field the engine no longer
// prints, or a typo in the rules file.

#include <fixturegen/normalize/rules.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace fixturegen::normalize {

struct RuleCount {
  std::string rule;  // CompiledRules::rule_name
  std::uint64_t fired = 0;
};

// One entry per rule, in rule order (the rules file's order, lists first).
std::vector<RuleCount> count_rules(const CompiledRules& rules, const RuleFirings& firings);

// Rules that never fired, in rule order.
std::vector<std::string> dead_rules(const CompiledRules& rules, const RuleFirings& firings);

// A block for the log: a headline ("rules (profile rocky-current): 14 of 20
// fired, 1,234 values") and one line per rule with its count; with
// `whole_run` (every capture of the plan was normalized), the rules that
// never fired are marked dead, else only "not fired here".
std::string render_rule_counts(const CompiledRules& rules, const RuleFirings& firings, bool whole_run);

}  // namespace fixturegen::normalize
