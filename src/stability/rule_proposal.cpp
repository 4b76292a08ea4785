#include <fixturegen/diff/json_diff.hpp>
#include <fixturegen/json/document.hpp>
#include <fixturegen/stability/rule_proposal.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <set>

namespace fixturegen::stability {

namespace {

// The string inside a compact JSON string text, or the text itself.
std::string unquoted(std::string_view text) {
  json::Document document;
  if (json::Document::parse(text, document) || !document.root().is_string()) return std::string(text);
  return std::string(document.root().as_string());
}

std::string first_sample(const Finding& finding) {
  for (const Occurrence& occurrence : finding.occurrences) {
    for (const std::string& value : occurrence.values) {
      if (!value.empty() && value != "null") return value;
    }
  }
  return {};
}

std::string list_line(std::string_view name, std::vector<std::string> entries) {
  std::string line = fmt::format("{} = [", name);
  for (std::size_t i = 0; i < entries.size(); ++i) line += (i ? ", " : "") + toml_string(entries[i]);
  return line + "]";
}

const std::vector<std::string>* list_of(const normalize::NormalizeRules& rules, std::string_view name) {
  if (name == "wall_clock_keys") return &rules.wall_clock_keys;
  if (name == "zero_keep_type_keys") return &rules.zero_keep_type_keys;
  return nullptr;
}

// A member every element of the array has, with scalar values that differ
// from element to element: the natural `by` of a sort rule.
std::string sort_member(const Finding& finding) {
  json::Document document;
  const std::string sample = finding.occurrences.empty() || finding.occurrences[0].values.empty()
                                 ? std::string()
                                 : finding.occurrences[0].values[0];
  if (json::Document::parse(sample, document) || !document.root().is_array() || document.root().size() == 0) return {};
  const json::Value first = *document.root().elements().begin();
  if (!first.is_object()) return {};
  std::vector<std::string> candidates;
  for (const auto& member : first.members()) candidates.emplace_back(member.key);
  std::stable_sort(candidates.begin(), candidates.end(), [](const std::string& a, const std::string& b) {
    auto rank = [](const std::string& k) { return k == "name" ? 0 : k == "id" ? 1 : k == "key" ? 2 : 3; };
    return rank(a) < rank(b);
  });
  for (const std::string& candidate : candidates) {
    std::set<std::string> seen;
    bool usable = true;
    for (json::Value element : document.root().elements()) {
      auto value = element.is_object() ? element.find(candidate) : std::nullopt;
      if (!value || value->is_array() || value->is_object() || !seen.insert(diff::compact_json(*value)).second) {
        usable = false;
        break;
      }
    }
    if (usable) return candidate;
  }
  return {};
}

std::string path_rules(const Finding& finding, std::string_view body) {
  std::string toml;
  for (const std::string& pattern : finding.patterns) {
    if (!toml.empty()) toml += "\n";
    toml += fmt::format("[[rule]]\nat = {}\n{}", toml_string(pattern), body);
  }
  return toml;
}

}  // namespace

std::string_view placement_name(Placement placement) {
  switch (placement) {
    case Placement::TopLevelList: return "top_level_list";
    case Placement::StringSentinels: return "string_sentinels";
    case Placement::AppendRule: return "append_rule";
    case Placement::None: return "none";
  }
  return "none";
}

std::string toml_string(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) out += fmt::format("\\u{:04X}", static_cast<unsigned>(c));
        else out += c;
    }
  }
  return out + "\"";
}

std::string toml_key(std::string_view key) {
  const bool bare = !key.empty() && std::all_of(key.begin(), key.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
  return bare ? std::string(key) : toml_string(key);
}

std::string sentinel_for(ValueClass value_class, std::string_view key, std::string_view sample) {
  switch (value_class) {
    case ValueClass::Date: return "2000-01-01";
    case ValueClass::Uuid: return "00000000-0000-0000-0000-000000000000";
    case ValueClass::RunId: {
      const std::string prefix = run_id_prefix(sample);
      return (prefix.empty() ? std::string("run") : prefix) + "-SENTINEL";
    }
    case ValueClass::Semver: return "0.0.0-SENTINEL";
    case ValueClass::HexDigest: return "sha-SENTINEL";
    case ValueClass::HostName: return "host-SENTINEL";
    case ValueClass::TempPath: return "path-SENTINEL";
    default: return fmt::format("{}-SENTINEL", key.empty() ? std::string_view("value") : key);
  }
}

RuleProposal propose_rule(const Finding& finding, const normalize::NormalizeRules& rules) {
  RuleProposal proposal;
  const std::string sample = unquoted(first_sample(finding));
  if (finding.kind == FindingKind::Structure) {
    proposal.reason = "a member or element only some runs have, or another type or length: no normalize rule covers it; "
                      "look at why the engine prints it";
    return proposal;
  }
  if (finding.value_class == ValueClass::KeyOrder) {
    proposal.reason = "the members come in another order: captures keep the engine's key order, so no rule can fix it; "
                      "the engine must print them in a fixed order";
    return proposal;
  }
  if (finding.value_class == ValueClass::ArrayOrder) {
    const std::string by = sort_member(finding);
    proposal.placement = Placement::AppendRule;
    proposal.toml = path_rules(finding, by.empty() ? std::string("action = \"sort\"")
                                                   : fmt::format("action = \"sort\"\nby = {}", toml_string(by)));
    proposal.reason = by.empty() ? "path rule: the same elements in another order; sorted by the whole element"
                                 : fmt::format("path rule: the same elements in another order; sorted by `{}`, unique in every element", by);
    return proposal;
  }

  const bool is_number = finding.value_kind == json::Kind::Integer || finding.value_kind == json::Kind::Float;
  // Unclassified values and temp paths (a scrub would need to know which
  // part is the path) are always path rules: a key rule would be a guess.
  const bool key_rule = finding.key_unambiguous && !finding.key.empty() && finding.value_class != ValueClass::Other &&
                        finding.value_class != ValueClass::TempPath;
  const std::string why_key = fmt::format("key rule: every `{}` in every capture holds a {}", finding.key,
                                          value_class_name(finding.value_class));
  const std::string why_path =
      finding.key.empty() ? std::string("path rule: array elements have no member name to key on")
      : !finding.key_unambiguous && !finding.counterexample.empty()
          ? fmt::format("path rule: `{}` also holds other values ({})", finding.key, finding.counterexample)
          : fmt::format("path rule: a {} is not a safe key rule", value_class_name(finding.value_class));

  if (finding.value_class == ValueClass::Timestamp || finding.value_class == ValueClass::Duration || is_number) {
    const bool clock = finding.value_class == ValueClass::Timestamp;
    if (key_rule) {
      proposal.placement = Placement::TopLevelList;
      proposal.list = clock ? "wall_clock_keys" : "zero_keep_type_keys";
      proposal.key = finding.key;
      std::vector<std::string> entries = *list_of(rules, proposal.list);
      if (std::find(entries.begin(), entries.end(), finding.key) == entries.end()) entries.push_back(finding.key);
      proposal.toml = list_line(proposal.list, entries);
      proposal.reason = why_key;
    } else {
      proposal.placement = Placement::AppendRule;
      proposal.toml = path_rules(finding, clock ? "action = \"wall_clock\"" : "action = \"zero_keep_type\"");
      proposal.reason = why_path;
    }
    return proposal;
  }
  if (finding.value_kind != json::Kind::String) {
    proposal.reason = fmt::format("a {} that changes between runs: no rule replaces that type; look at the engine",
                                  json::kind_name(finding.value_kind));
    return proposal;
  }
  if (finding.value_class == ValueClass::TempPath && sample.find("/fixturegen-") != std::string::npos) {
    // The sandbox's own folder (mkdtemp "fixturegen-XXXXXX") and everything before it.
    proposal.placement = Placement::AppendRule;
    proposal.toml = path_rules(finding, "action = \"scrub\"\npattern = '/\\S*?/fixturegen-[A-Za-z0-9]{6}(?=/)'\n"
                                        "replacement = \"SANDBOX\"");
    proposal.reason = "path rule: the sandbox path inside the value is scrubbed, the rest kept";
    return proposal;
  }
  const std::string sentinel = sentinel_for(finding.value_class, finding.key, sample);
  if (key_rule) {
    proposal.placement = Placement::StringSentinels;
    proposal.key = finding.key;
    proposal.toml = fmt::format("{} = {}", toml_key(finding.key), toml_string(sentinel));
    proposal.reason = why_key;
  } else {
    proposal.placement = Placement::AppendRule;
    proposal.toml = path_rules(finding, fmt::format("action = \"sentinel\"\nvalue = {}", toml_string(sentinel)));
    proposal.reason = why_path;
  }
  return proposal;
}

std::string render_rules_fragment(const std::vector<RuleProposal>& proposals, const normalize::NormalizeRules& rules) {
  std::string out;
  // Lists: each written once, with every key the proposals add.
  for (const std::string_view list : {"wall_clock_keys", "zero_keep_type_keys"}) {
    std::vector<std::string> entries = *list_of(rules, list);
    bool extended = false;
    for (const RuleProposal& proposal : proposals) {
      if (proposal.placement != Placement::TopLevelList || proposal.list != list) continue;
      if (std::find(entries.begin(), entries.end(), proposal.key) == entries.end()) entries.push_back(proposal.key);
      extended = true;
    }
    if (!extended) continue;
    if (out.empty()) out += "# top level, before any [table]; replaces the line of the same name (lists replace, so all are given):\n";
    out += list_line(list, entries) + "\n";
  }
  bool sentinels = false;
  for (const RuleProposal& proposal : proposals) {
    if (proposal.placement != Placement::StringSentinels) continue;
    if (!sentinels) out += "# entries of the [string_sentinels] table (write the header only if the file has none):\n";
    sentinels = true;
    out += proposal.toml + "\n";
  }
  bool appended = false;
  for (const RuleProposal& proposal : proposals) {
    if (proposal.placement != Placement::AppendRule) continue;
    if (!appended) out += "# at the end of the file:\n";
    appended = true;
    out += proposal.toml + "\n";
  }
  return out;
}

}  // namespace fixturegen::stability
