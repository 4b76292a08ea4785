#pragma once

#include <fixturegen/core/error.hpp>
#include <fixturegen/core/regex.hpp>
#include <fixturegen/normalize/selector.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace fixturegen::normalize {

// What a rule does to the value it matches. Numbers never include booleans.
enum class Action {
  Zero,          // number -> 0 (an integer, also when it was a float): durations
  ZeroKeepType,  // number -> 0.0 if it was a float, else 0: derived values
  Sentinel,      // string -> a fixed string (wall-clock times, ids, versions)
  Preserve,      // the value itself is never replaced; a container is still entered
  Opaque,        // nothing at or below is touched, not even by path rules
  Scrub,         // string -> regex replacement inside it
  Sort,          // array -> elements sorted by a member (engines emitting hash-map order)
};

std::string_view action_name(Action action);

// A rule scoped to locations matched by a selector rather than by key name.
struct PathRule {
  Selector at;
  Action action = Action::Preserve;
  std::string value;        // Sentinel: the replacement
  std::string pattern;      // Scrub: PCRE2 pattern
  std::string replacement;  // Scrub: replacement ($1 refers to a group)
  std::string by;           // Sort: member to sort by ("" = the element itself)
};

// What a rules file or built-in profile says: plain data, no behaviour.
// Key rules apply to object members by name, at any depth; path rules apply
// at selected locations and are consulted first. A value a rule matched is
// not descended into.
struct NormalizeRules {
  std::string source;  // "profile default", "rules.toml", ... for messages
  std::vector<std::string> zero_suffixes;
  std::vector<std::string> zero_keep_type_keys;
  std::vector<std::string> wall_clock_keys;
  std::string wall_clock_sentinel = "2000-01-01T00:00:00Z";
  std::vector<std::pair<std::string, std::string>> string_sentinels;  // key -> sentinel
  std::vector<std::string> preserve_keys;
  std::vector<std::string> opaque_keys;
  std::vector<PathRule> path_rules;
};

// The documented contract: timing suffixes, the five wall-clock keys,
// watermarks (last_value) and `data` payloads left alone.
NormalizeRules default_profile();
// Exactly what Rocky's current normalizer does to its committed corpus.
NormalizeRules rocky_current_profile();
// "default", "rocky-current"; nullopt for anything else.
std::optional<NormalizeRules> builtin_profile(std::string_view name);
std::vector<std::string_view> builtin_profile_names();

// Rules prepared for the hot path: one hash lookup per key, regexes
// compiled once. Built by compile_rules; shared read-only.
class CompiledRules {
public:
  enum Role : unsigned {
    kZeroKeepType = 1u << 0,
    kWallClock = 1u << 1,
    kSentinel = 1u << 2,
    kPreserve = 1u << 3,
    kOpaque = 1u << 4,
  };
  // Rule ids index rule_name() and RuleFirings::counts: one per entry of
  // the rules (each listed key or suffix, each sentinel, each [[rule]]).
  static constexpr std::uint32_t kNoRule = ~std::uint32_t{0};
  struct KeyRule {
    unsigned roles = 0;
    std::string sentinel;  // kSentinel
    // The rule id behind each role (kNoRule where the role is not set).
    std::uint32_t zero_keep_type_id = kNoRule;
    std::uint32_t wall_clock_id = kNoRule;
    std::uint32_t sentinel_id = kNoRule;
    std::uint32_t preserve_id = kNoRule;
    std::uint32_t opaque_id = kNoRule;
  };
  struct CompiledPathRule {
    PathRule rule;
    std::shared_ptr<const Regex> regex;  // Scrub only
    std::uint32_t id = kNoRule;
  };

  const NormalizeRules& rules() const { return m_rules; }
  const KeyRule* find_key(std::string_view key) const {
    const auto it = m_keys.find(key);
    return it == m_keys.end() ? nullptr : &it->second;
  }
  bool has_zero_suffix(std::string_view key) const { return zero_suffix_rule(key) != kNoRule; }
  // The id of the first zero_suffixes entry `key` ends with, or kNoRule.
  std::uint32_t zero_suffix_rule(std::string_view key) const;
  // How many rules there are, and each one as the rules file writes it:
  // `zero_suffixes "_ms"`, `string_sentinels.run_id`, `[[rule]] 2 at "/checks" (sort)`.
  std::size_t rule_count() const { return m_rule_names.size(); }
  const std::string& rule_name(std::size_t id) const { return m_rule_names[id]; }
  // Whether the rule replaces values (zero, sentinel, wall_clock, scrub), as
  // opposed to keeping them (preserve, opaque) or reordering them (sort).
  bool rule_replaces(std::size_t id) const { return m_rule_replaces[id] != 0; }
  const std::vector<CompiledPathRule>& path_rules() const { return m_path_rules; }
  // Applies a Scrub rule's regex to `text`.
  Expected<std::string> scrub(const CompiledPathRule& rule, std::string_view text) const;

private:
  friend Expected<CompiledRules> compile_rules(NormalizeRules rules);
  NormalizeRules m_rules;
  // Transparent hashing: lookups by string_view, no allocation per key.
  struct KeyHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view key) const { return std::hash<std::string_view>{}(key); }
  };
  std::unordered_map<std::string, KeyRule, KeyHash, std::equal_to<>> m_keys;
  std::vector<CompiledPathRule> m_path_rules;
  std::vector<std::string> m_rule_names;
  std::vector<char> m_rule_replaces;  // parallel to m_rule_names
  std::vector<std::uint32_t> m_suffix_ids;  // parallel to m_rules.zero_suffixes
};

// How often each rule replaced, kept or skipped a value (rule accounting:
// `normalize --stats`, regen's summary, dead rules). Counted where the
// normalizer applies a rule, not in a second pass.
struct RuleFirings {
  std::vector<std::uint64_t> counts;  // by rule id; sized by the normalizer
  // Also record where each rule fired (stability's "the rule may hide a
  // regression" check). Costs a path walk, so off by default.
  bool record_locations = false;
  struct Location {
    std::uint32_t rule = 0;
    std::string file;     // left empty by the normalizer; callers that know it fill it in
    std::string pointer;  // of the value the rule matched (before a sort moved it)
  };
  std::vector<Location> locations;
  void add(const RuleFirings& other);
};

Expected<CompiledRules> compile_rules(NormalizeRules rules);

}  // namespace fixturegen::normalize
