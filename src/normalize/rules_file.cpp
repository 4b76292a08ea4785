#include <fixturegen/io/file.hpp>
#include <fixturegen/normalize/rules_file.hpp>

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <toml++/toml.h>

#include <set>

namespace fixturegen::normalize {

namespace {

constexpr std::string_view kFormatHint = "see docs/normalize-rules.md for the rules file format";

std::string where(std::string_view source, const toml::node& node) {
  const auto& at = node.source().begin;
  return fmt::format("{}:{}:{}", source, at.line, at.column);
}

class RulesFileParser {
public:
  RulesFileParser(std::string_view source, NormalizeRules& rules) : m_source(source), m_rules(rules) {}

  Expected<void> parse(const toml::table& root) {
    static const std::set<std::string, std::less<>> known = {
        "extends", "zero_suffixes", "zero_keep_type_keys", "wall_clock_keys", "wall_clock_sentinel",
        "preserve_keys", "opaque_keys", "string_sentinels", "rule"};
    for (const auto& [key, node] : root) {
      if (!known.contains(key.str())) {
        return Error::usage(fmt::format("{}: unknown key \"{}\" in a rules file", where(m_source, node), key.str()),
                            fmt::format("known keys: {}; {}", fmt::join(known, ", "), kFormatHint));
      }
    }
    if (auto r = string_list(root, "zero_suffixes", m_rules.zero_suffixes); !r) return r;
    if (auto r = string_list(root, "zero_keep_type_keys", m_rules.zero_keep_type_keys); !r) return r;
    if (auto r = string_list(root, "wall_clock_keys", m_rules.wall_clock_keys); !r) return r;
    if (auto r = string_list(root, "preserve_keys", m_rules.preserve_keys); !r) return r;
    if (auto r = string_list(root, "opaque_keys", m_rules.opaque_keys); !r) return r;
    if (const toml::node* node = root.get("wall_clock_sentinel")) {
      const auto* value = node->as_string();
      if (!value) return type_error(*node, "wall_clock_sentinel", "a string");
      m_rules.wall_clock_sentinel = value->get();
    }
    if (const toml::node* node = root.get("string_sentinels")) {
      const auto* table = node->as_table();
      if (!table) return type_error(*node, "string_sentinels", "a table of key = \"sentinel\"");
      for (const auto& [key, value] : *table) {
        const auto* text = value.as_string();
        if (!text) return type_error(value, fmt::format("string_sentinels.{}", key.str()), "a string");
        set_sentinel(std::string(key.str()), text->get());
      }
    }
    if (const toml::node* node = root.get("rule")) {
      const auto* rules = node->as_array();
      if (!rules) return type_error(*node, "rule", "an array of tables ([[rule]])");
      for (const auto& entry : *rules) {
        const auto* table = entry.as_table();
        if (!table) return type_error(entry, "rule", "a table ([[rule]])");
        if (auto r = path_rule(*table); !r) return r;
      }
    }
    return {};
  }

private:
  Error type_error(const toml::node& node, std::string_view key, std::string_view expected) {
    return Error::usage(fmt::format("{}: \"{}\" must be {}", where(m_source, node), key, expected),
                        std::string(kFormatHint));
  }

  // A list present in the file replaces the profile's list.
  Expected<void> string_list(const toml::table& root, std::string_view key, std::vector<std::string>& out) {
    const toml::node* node = root.get(key);
    if (!node) return {};
    const auto* array = node->as_array();
    if (!array) return type_error(*node, key, "an array of strings");
    out.clear();
    for (const auto& item : *array) {
      const auto* text = item.as_string();
      if (!text) return type_error(item, key, "an array of strings");
      // A repeated entry is a slip (often a paste from `stability`): it would
      // be counted as a second rule that never fires and reported as dead.
      if (std::find(out.begin(), out.end(), text->get()) != out.end()) {
        return Error::usage(fmt::format("{}: \"{}\" lists \"{}\" twice", where(m_source, item), key, text->get()),
                            "remove the repeated entry");
      }
      out.push_back(text->get());
    }
    return {};
  }

  void set_sentinel(std::string key, std::string sentinel) {
    for (auto& entry : m_rules.string_sentinels) {
      if (entry.first == key) {
        entry.second = std::move(sentinel);
        return;
      }
    }
    m_rules.string_sentinels.emplace_back(std::move(key), std::move(sentinel));
  }

  Expected<void> path_rule(const toml::table& table) {
    static const std::set<std::string, std::less<>> known = {"at", "action", "value", "pattern", "replacement", "by"};
    for (const auto& [key, node] : table) {
      if (!known.contains(key.str())) {
        return Error::usage(fmt::format("{}: unknown key \"{}\" in a [[rule]]", where(m_source, node), key.str()),
                            fmt::format("a [[rule]] takes: {}; {}", fmt::join(known, ", "), kFormatHint));
      }
    }
    auto text = [&](std::string_view key) -> const toml::value<std::string>* {
      const toml::node* node = table.get(key);
      return node ? node->as_string() : nullptr;
    };
    const auto* at = text("at");
    const auto* action = text("action");
    if (!at || !action) {
      return Error::usage(fmt::format("{}: a [[rule]] needs \"at\" (a selector) and \"action\" (strings)", where(m_source, table)),
                          std::string(kFormatHint));
    }
    auto selector = Selector::parse(at->get());
    if (!selector) {
      return Error::usage(fmt::format("{}: {}", where(m_source, *at), selector.error().message), selector.error().hint);
    }
    PathRule rule;
    rule.at = std::move(*selector);
    const std::string& name = action->get();
    static const std::pair<std::string_view, Action> actions[] = {
        {"zero", Action::Zero}, {"zero_keep_type", Action::ZeroKeepType}, {"sentinel", Action::Sentinel},
        {"wall_clock", Action::Sentinel}, {"preserve", Action::Preserve}, {"opaque", Action::Opaque},
        {"scrub", Action::Scrub}, {"sort", Action::Sort}};
    bool found = false;
    for (const auto& [known_name, value] : actions) {
      if (name == known_name) {
        rule.action = value;
        found = true;
      }
    }
    if (!found) {
      return Error::usage(fmt::format("{}: unknown action \"{}\"", where(m_source, *action), name),
                          "actions: zero, zero_keep_type, wall_clock, sentinel, preserve, opaque, scrub, sort");
    }
    auto require = [&](std::string_view key, std::string& out) -> Expected<void> {
      const auto* value = text(key);
      if (!value) {
        return Error::usage(fmt::format("{}: action \"{}\" needs \"{}\" (a string)", where(m_source, table), name, key),
                            std::string(kFormatHint));
      }
      out = value->get();
      return {};
    };
    if (name == "wall_clock") {
      rule.value = m_rules.wall_clock_sentinel;
    } else if (rule.action == Action::Sentinel) {
      if (auto r = require("value", rule.value); !r) return r;
    } else if (rule.action == Action::Scrub) {
      if (auto r = require("pattern", rule.pattern); !r) return r;
      if (auto r = require("replacement", rule.replacement); !r) return r;
      // The pattern is compiled now, so a bad one is reported with its line
      // (compile_rules would only know the file).
      NormalizeRules probe;
      probe.source = where(m_source, *table.get("pattern"));
      probe.path_rules.push_back(rule);
      if (auto compiled = compile_rules(std::move(probe)); !compiled) return std::move(compiled).error();
    } else if (rule.action == Action::Sort) {
      if (const auto* by = text("by")) rule.by = by->get();
    }
    m_rules.path_rules.push_back(std::move(rule));
    return {};
  }

  std::string_view m_source;
  NormalizeRules& m_rules;
};

}  // namespace

Expected<NormalizeRules> parse_rules_toml(std::string_view text, std::string_view source_name) {
  // Debian's toml++ is built with exceptions: the parse error is caught
  // here and becomes a value like every other error.
  toml::table root;
  try {
    root = toml::parse(text, source_name);
  } catch (const toml::parse_error& error) {
    return Error::usage(fmt::format("{}:{}:{}: invalid TOML: {}", source_name, error.source().begin.line,
                                    error.source().begin.column, error.description()),
                        std::string(kFormatHint));
  }
  NormalizeRules rules;
  if (const toml::node* extends = root.get("extends")) {
    const auto* name = extends->as_string();
    auto base = name ? builtin_profile(name->get()) : std::nullopt;
    if (!base) {
      return Error::usage(fmt::format("{}: \"extends\" must name a built-in profile", where(source_name, *extends)),
                          fmt::format("profiles: {}", fmt::join(builtin_profile_names(), ", ")));
    }
    rules = std::move(*base);
  }
  rules.source = std::string(source_name);
  if (auto r = RulesFileParser(source_name, rules).parse(root); !r) return std::move(r).error();
  return rules;
}

Expected<NormalizeRules> load_rules_file(const std::filesystem::path& path) {
  auto text = io::read_file(path);
  if (!text) return std::move(text).error();
  return parse_rules_toml(*text, path.string());
}

Expected<NormalizeRules> resolve_rules(std::string_view profile, const std::filesystem::path& rules_file) {
  if (!profile.empty() && !rules_file.empty()) {
    return Error::usage("--profile and --rules exclude each other",
                        "a rules file can start from a profile with: extends = \"rocky-current\"");
  }
  if (!rules_file.empty()) return load_rules_file(rules_file);
  const std::string_view name = profile.empty() ? "default" : profile;
  if (auto rules = builtin_profile(name)) return std::move(*rules);
  return Error::usage(fmt::format("unknown profile \"{}\"", name),
                      fmt::format("profiles: {}; or write a rules file and pass --rules FILE", fmt::join(builtin_profile_names(), ", ")));
}

}  // namespace fixturegen::normalize
