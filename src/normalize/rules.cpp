#include <fixturegen/normalize/rules.hpp>

#include <fmt/format.h>

namespace fixturegen::normalize {

std::string_view action_name(Action action) {
  switch (action) {
    case Action::Zero: return "zero";
    case Action::ZeroKeepType: return "zero_keep_type";
    case Action::Sentinel: return "sentinel";
    case Action::Preserve: return "preserve";
    case Action::Opaque: return "opaque";
    case Action::Scrub: return "scrub";
    case Action::Sort: return "sort";
  }
  return "unknown";
}

NormalizeRules default_profile() {
  NormalizeRules rules;
  rules.source = "profile default";
  rules.zero_suffixes = {"_ms", "_seconds", "_secs"};
  rules.wall_clock_keys = {"updated_at", "started_at", "finished_at", "timestamp", "captured_at"};
  rules.preserve_keys = {"last_value"};
  rules.opaque_keys = {"data"};
  return rules;
}

NormalizeRules rocky_current_profile() {
  // ../shared/rocky-reference/README.md, "The normalizer rules that produced
  // them": watermarks are sentinelled and `data` is entered, unlike the
  // documented contract.
  NormalizeRules rules;
  rules.source = "profile rocky-current";
  rules.zero_suffixes = {"_ms", "_seconds", "_secs"};
  rules.zero_keep_type_keys = {"compute_cost_per_run", "estimated_monthly_savings"};
  rules.wall_clock_keys = {"updated_at", "started_at", "finished_at", "timestamp",
                           "captured_at", "created_at", "last_value", "watermark"};
  rules.string_sentinels = {
      {"run_id", "run-SENTINEL"},
      {"hostname", "host-SENTINEL"},
      {"git_commit", "sha-SENTINEL"},
      {"git_branch", "branch-SENTINEL"},
      {"triggering_identity", "user-SENTINEL"},
      {"rocky_version", "0.0.0-SENTINEL"},
      {"target_catalog", "catalog-SENTINEL"},
      {"version", "0.0.0-SENTINEL"},
      {"env_hash", "envhash-SENTINEL"},
  };
  return rules;
}

std::optional<NormalizeRules> builtin_profile(std::string_view name) {
  if (name == "default") return default_profile();
  if (name == "rocky-current") return rocky_current_profile();
  return std::nullopt;
}

std::vector<std::string_view> builtin_profile_names() { return {"default", "rocky-current"}; }

// --- compiled form ---------------------------------------------------------

std::uint32_t CompiledRules::zero_suffix_rule(std::string_view key) const {
  for (std::size_t i = 0; i < m_rules.zero_suffixes.size(); ++i) {
    if (key.ends_with(m_rules.zero_suffixes[i])) return m_suffix_ids[i];
  }
  return kNoRule;
}

void RuleFirings::add(const RuleFirings& other) {
  if (counts.size() < other.counts.size()) counts.resize(other.counts.size());
  for (std::size_t i = 0; i < other.counts.size(); ++i) counts[i] += other.counts[i];
  locations.insert(locations.end(), other.locations.begin(), other.locations.end());
}


Expected<std::string> CompiledRules::scrub(const CompiledPathRule& rule, std::string_view text) const {
  Expected<std::string> scrubbed = rule.regex->replace_all(text, rule.rule.replacement);
  if (!scrubbed) {
    Error error = std::move(scrubbed).error();
    error.message = fmt::format("scrub rule at \"{}\" failed{}: {}", rule.rule.at.text(),
                                m_rules.source.empty() ? std::string() : " (" + m_rules.source + ")", error.message);
    return error;
  }
  return scrubbed;
}

Expected<CompiledRules> compile_rules(NormalizeRules rules) {
  CompiledRules compiled;
  auto new_id = [&](std::string name, bool replaces = true) {
    compiled.m_rule_names.push_back(std::move(name));
    compiled.m_rule_replaces.push_back(replaces ? 1 : 0);
    return static_cast<std::uint32_t>(compiled.m_rule_names.size() - 1);
  };
  for (const auto& suffix : rules.zero_suffixes) {
    compiled.m_suffix_ids.push_back(new_id(fmt::format("zero_suffixes \"{}\"", suffix)));
  }
  // A key listed twice in one list is one rule: the first listing gets the id.
  auto add = [&](const std::vector<std::string>& keys, unsigned role, std::string_view list,
                 std::uint32_t CompiledRules::KeyRule::*id) {
    const bool replaces = role != CompiledRules::kPreserve && role != CompiledRules::kOpaque;
    for (const auto& key : keys) {
      auto& entry = compiled.m_keys[key];
      if (entry.roles & role) continue;
      entry.roles |= role;
      entry.*id = new_id(fmt::format("{} \"{}\"", list, key), replaces);
    }
  };
  add(rules.zero_keep_type_keys, CompiledRules::kZeroKeepType, "zero_keep_type_keys", &CompiledRules::KeyRule::zero_keep_type_id);
  add(rules.wall_clock_keys, CompiledRules::kWallClock, "wall_clock_keys", &CompiledRules::KeyRule::wall_clock_id);
  add(rules.preserve_keys, CompiledRules::kPreserve, "preserve_keys", &CompiledRules::KeyRule::preserve_id);
  add(rules.opaque_keys, CompiledRules::kOpaque, "opaque_keys", &CompiledRules::KeyRule::opaque_id);
  for (const auto& [key, sentinel] : rules.string_sentinels) {
    auto& entry = compiled.m_keys[key];
    if (!(entry.roles & CompiledRules::kSentinel)) entry.sentinel_id = new_id(fmt::format("string_sentinels.{}", key));
    entry.roles |= CompiledRules::kSentinel;
    entry.sentinel = sentinel;
  }
  std::size_t rule_number = 0;
  for (const auto& rule : rules.path_rules) {
    ++rule_number;
    CompiledRules::CompiledPathRule entry{rule, nullptr,
                                          new_id(fmt::format("[[rule]] {} at \"{}\" ({})", rule_number, rule.at.text(),
                                                             action_name(rule.action)),
                                                 rule.action != Action::Preserve && rule.action != Action::Opaque &&
                                                     rule.action != Action::Sort)};
    if (rule.action == Action::Scrub) {
      Expected<Regex> regex = Regex::compile(rule.pattern);
      if (!regex) {
        return Error::usage(fmt::format("{}: scrub rule at \"{}\": invalid pattern \"{}\": {}", rules.source,
                                        rule.at.text(), rule.pattern, regex.error().message));
      }
      entry.regex = std::make_shared<const Regex>(std::move(*regex));
    }
    compiled.m_path_rules.push_back(std::move(entry));
  }
  compiled.m_rules = std::move(rules);
  return compiled;
}

}  // namespace fixturegen::normalize
