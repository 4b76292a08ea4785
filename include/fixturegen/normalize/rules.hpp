#pragma once

#include <fixturegen/core/error.hpp>
#include <fixturegen/core/regex.hpp>
#include <fixturegen/normalize/selector.hpp>

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
  struct KeyRule {
    unsigned roles = 0;
    std::string sentinel;  // kSentinel
  };
  struct CompiledPathRule {
    PathRule rule;
    std::shared_ptr<const Regex> regex;  // Scrub only
  };

  const NormalizeRules& rules() const { return m_rules; }
  const KeyRule* find_key(std::string_view key) const {
    const auto it = m_keys.find(key);
    return it == m_keys.end() ? nullptr : &it->second;
  }
  bool has_zero_suffix(std::string_view key) const;
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
};

Expected<CompiledRules> compile_rules(NormalizeRules rules);

}  // namespace fixturegen::normalize
