#include <fixturegen/scenario/output_type.hpp>

#include <fmt/format.h>

#include <algorithm>

namespace fixturegen::scenario {
namespace {

bool contains(const std::vector<std::string>& keys, std::string_view key) {
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}

bool disjoint(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  return std::none_of(a.begin(), a.end(), [&](const std::string& key) { return contains(b, key); });
}

std::string describe(const MatchRule& rule) {
  std::string text = fmt::format("command \"{}\"", rule.command);
  if (!rule.has_keys.empty()) text += fmt::format(", has_keys [{}]", fmt::join(rule.has_keys, ", "));
  if (!rule.lacks_keys.empty()) text += fmt::format(", lacks_keys [{}]", fmt::join(rule.lacks_keys, ", "));
  return text;
}

}  // namespace

bool MatchRule::matches(json::Value capture) const {
  std::optional<std::string_view> found = capture_command(capture);
  if (!found || *found != command) return false;
  for (const std::string& key : has_keys)
    if (!capture.find(key)) return false;
  for (const std::string& key : lacks_keys)
    if (capture.find(key)) return false;
  return true;
}

bool MatchRule::overlaps(const MatchRule& other) const {
  return command == other.command && disjoint(has_keys, other.lacks_keys) &&
         disjoint(other.has_keys, lacks_keys);
}

std::optional<std::string_view> capture_command(json::Value capture) {
  if (!capture.is_object()) return std::nullopt;
  std::optional<json::Value> command = capture.find("command");
  if (!command || !command->is_string()) return std::nullopt;
  return command->as_string();
}

bool is_type_name(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

Expected<void> OutputTypeMatcher::add(std::string type, MatchRule rule) {
  if (has_type(type))
    return Error::usage(fmt::format("output type \"{}\" is defined twice", type));
  for (const Entry& entry : m_entries) {
    if (entry.rule.overlaps(rule) && entry.rule.discriminators() == rule.discriminators()) {
      return Error::usage(
          fmt::format("output types \"{}\" ({}) and \"{}\" ({}) tie: a capture can match both "
                      "with as many discriminators",
                      entry.type, describe(entry.rule), type, describe(rule)),
          "add a `has_keys` or `lacks_keys` discriminator to one of them so that each capture "
          "matches exactly one (docs/scenario-format.md, `match`)");
    }
  }
  m_entries.push_back(Entry{std::move(type), std::move(rule)});
  return {};
}

void OutputTypeMatcher::add_engine_convention() {
  const Entry conventions[] = {
      {"column_lineage", MatchRule{"lineage", {"column"}, {}}},
      {"model_history", MatchRule{"history", {"model"}, {}}},
  };
  for (const Entry& entry : conventions) {
    // Scenarios that already say how to tell these apart win; a rule that
    // would tie with theirs is simply not added.
    if (has_type(entry.type)) continue;
    (void)add(entry.type, entry.rule);
  }
  m_fallback_to_command = true;
}

std::optional<std::string> OutputTypeMatcher::match(json::Value capture) const {
  const Entry* best = nullptr;
  for (const Entry& entry : m_entries) {
    if (!entry.rule.matches(capture)) continue;
    if (!best || entry.rule.discriminators() > best->rule.discriminators()) best = &entry;
  }
  if (best) return best->type;
  if (m_fallback_to_command) {
    std::optional<std::string_view> command = capture_command(capture);
    if (command && is_type_name(*command)) return std::string(*command);
  }
  return std::nullopt;
}

bool OutputTypeMatcher::has_type(std::string_view type) const {
  return std::any_of(m_entries.begin(), m_entries.end(),
                     [&](const Entry& entry) { return entry.type == type; });
}

}  // namespace fixturegen::scenario
