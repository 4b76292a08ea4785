#include <fixturegen/normalize/rule_accounting.hpp>

#include <fmt/format.h>

namespace fixturegen::normalize {

std::vector<RuleCount> count_rules(const CompiledRules& rules, const RuleFirings& firings) {
  std::vector<RuleCount> counts;
  counts.reserve(rules.rule_count());
  for (std::size_t id = 0; id < rules.rule_count(); ++id) {
    counts.push_back({rules.rule_name(id), id < firings.counts.size() ? firings.counts[id] : 0});
  }
  return counts;
}

std::vector<std::string> dead_rules(const CompiledRules& rules, const RuleFirings& firings) {
  std::vector<std::string> dead;
  for (RuleCount& count : count_rules(rules, firings)) {
    if (count.fired == 0) dead.push_back(std::move(count.rule));
  }
  return dead;
}

std::string render_rule_counts(const CompiledRules& rules, const RuleFirings& firings, bool whole_run) {
  const std::vector<RuleCount> counts = count_rules(rules, firings);
  std::size_t fired = 0;
  std::uint64_t values = 0;
  for (const RuleCount& count : counts) {
    if (count.fired > 0) ++fired;
    values += count.fired;
  }
  const std::string source = rules.rules().source.empty() ? std::string() : " (" + rules.rules().source + ")";
  std::string out = fmt::format("rules{}: {} of {} fired, on {} values", source, fired, counts.size(), values);
  if (whole_run && fired < counts.size()) {
    out += fmt::format("; {} never fired on any of these captures (dead: a field the engine no longer prints, or a typo)",
                       counts.size() - fired);
  }
  for (const RuleCount& count : counts) {
    out += fmt::format("\n  {:>8}  {}", count.fired, count.rule);
    if (count.fired == 0) out += whole_run ? "  DEAD" : "  (not fired here)";
  }
  return out;
}

}  // namespace fixturegen::normalize
