#pragma once

// The rule `fixturegen stability` proposes for each finding, as rules-file
// TOML (docs/normalize-rules.md) ready to paste: a key rule when the member
// name is unambiguous across all captures, a path rule per pointer pattern
// otherwise. Pure: a finding and the current rules in, TOML out.

#include <fixturegen/normalize/rules.hpp>
#include <fixturegen/stability/analysis.hpp>

#include <string>
#include <vector>

namespace fixturegen::stability {

// Where the lines go in a rules file. TOML decides: a top-level list must be
// written before the first [table]; a sentinel is an entry of the one
// [string_sentinels] table; a [[rule]] table can go at the end.
enum class Placement {
  TopLevelList,     // replaces the list of the same name (lists replace the profile's: the whole list is given)
  StringSentinels,  // an entry of the [string_sentinels] table
  AppendRule,       // [[rule]] tables, appended at the end of the file
  None,             // no rule can fix it (key order, structure): the engine must
};

std::string_view placement_name(Placement placement);

struct RuleProposal {
  Placement placement = Placement::None;
  std::string list;    // TopLevelList: "wall_clock_keys" or "zero_keep_type_keys"
  std::string key;     // TopLevelList / StringSentinels: the member name added
  std::string toml;    // the lines to paste (one entry or whole [[rule]] tables)
  std::string reason;  // why this form: "key rule: every `run_id` holds a run id"
};

// The proposal for one finding, given the rules in force (a list is proposed
// whole: its current entries plus the new key).
RuleProposal propose_rule(const Finding& finding, const normalize::NormalizeRules& rules);

// The sentinel a class of value gets ("run-SENTINEL", "host-SENTINEL", ...);
// `sample` is one of the values (a run id's prefix is kept).
std::string sentinel_for(ValueClass value_class, std::string_view key, std::string_view sample);

// Every proposal merged into one fragment with a comment per part saying
// where it goes; lists that several proposals extend are written once.
std::string render_rules_fragment(const std::vector<RuleProposal>& proposals, const normalize::NormalizeRules& rules);

// TOML text helpers: a basic string, and a key (bare when it can be).
std::string toml_string(std::string_view text);
std::string toml_key(std::string_view key);

}  // namespace fixturegen::stability
