#include <fixturegen/diff/rule_ownership.hpp>
#include <fixturegen/json/pointer.hpp>
#include <fixturegen/json/python_writer.hpp>
#include <fixturegen/normalize/rules.hpp>

#include <charconv>
#include <optional>

namespace fixturegen::diff {

namespace {

RuleDecision replaced_by(std::string text) { return {RuleEffect::Replaced, std::move(text)}; }

std::string string_literal(std::string_view text) {
  std::string literal;
  json::append_python_string(literal, text);
  return literal;
}

// The number a Zero/ZeroKeepType rule writes: integer 0, or 0.0 keeping a float.
std::string zero_text(json::Kind kind) { return kind == json::Kind::Float ? "0.0" : "0"; }

// The member or element `token` names in `container`, if any.
std::optional<json::Value> child(json::Value container, const std::string& token) {
  if (container.is_object()) return container.find(token);
  if (!container.is_array()) return std::nullopt;
  std::size_t index = 0;
  const auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), index);
  if (ec != std::errc() || end != token.data() + token.size() || index >= container.size()) return std::nullopt;
  auto it = container.elements().begin();
  for (std::size_t k = 0; k < index; ++k) ++it;
  return *it;
}

std::optional<json::Value> value_at(json::Value root, const std::vector<std::string>& tokens) {
  json::Value at = root;
  for (const std::string& token : tokens) {
    auto next = child(at, token);
    if (!next) return std::nullopt;
    at = *next;
  }
  return at;
}

}  // namespace

RuleDecision decide_at(const normalize::CompiledRules& rules, const std::vector<std::string>& path, bool in_object,
                       json::Value value) {
  using normalize::Action;
  const json::Kind kind = value.kind();
  const bool is_number = value.is_number();
  const bool is_string = value.is_string();

  // Path rules exist only when some are configured; the normalizer then
  // tracks every location, the root included (path = {}).
  for (const auto& compiled : rules.path_rules()) {
    const normalize::PathRule& rule = compiled.rule;
    if (!rule.at.matches(path)) continue;
    switch (rule.action) {
      case Action::Opaque: return {RuleEffect::Opaque, {}};
      case Action::Preserve: return {RuleEffect::Keep, {}};
      case Action::Zero:
        if (is_number) return replaced_by("0");
        break;
      case Action::ZeroKeepType:
        if (is_number) return replaced_by(zero_text(kind));
        break;
      case Action::Sentinel:
        if (is_string) return replaced_by(string_literal(rule.value));
        break;
      case Action::Scrub:
        if (is_string) {
          auto scrubbed = rules.scrub(compiled, value.as_string());
          if (!scrubbed) return {RuleEffect::Descend, {}};
          return replaced_by(string_literal(*scrubbed));
        }
        break;
      case Action::Sort: break;  // reorders an array; its contents stay the engine's
    }
  }

  if (!in_object || path.empty()) return {RuleEffect::Descend, {}};
  const std::string& key = path.back();
  const normalize::CompiledRules::KeyRule* key_rule = rules.find_key(key);
  if (key_rule) {
    if (key_rule->roles & normalize::CompiledRules::kOpaque) return {RuleEffect::Opaque, {}};
    if (key_rule->roles & normalize::CompiledRules::kPreserve) return {RuleEffect::Keep, {}};
  }
  if (is_number) {
    if (rules.has_zero_suffix(key)) return replaced_by("0");
    if (key_rule && (key_rule->roles & normalize::CompiledRules::kZeroKeepType)) return replaced_by(zero_text(kind));
  } else if (is_string && key_rule) {
    if (key_rule->roles & normalize::CompiledRules::kWallClock)
      return replaced_by(string_literal(rules.rules().wall_clock_sentinel));
    if (key_rule->roles & normalize::CompiledRules::kSentinel) return replaced_by(string_literal(key_rule->sentinel));
  }
  return {RuleEffect::Descend, {}};
}

bool owned_by_rules(const normalize::CompiledRules& rules, json::Value old_root, json::Value new_root,
                    std::string_view pointer) {
  std::vector<std::string> tokens;
  if (!json::split_pointer(pointer, tokens)) return false;
  auto old_value = value_at(old_root, tokens);
  auto new_value = value_at(new_root, tokens);
  if (!old_value || !new_value) return false;

  // Ancestors: an opaque one means the rules own nothing below it. The path
  // to the change is the same in both documents, and so are the ancestors'
  // kinds (the diff descended into both), so the old side decides.
  std::vector<std::string> path;
  path.reserve(tokens.size());
  bool in_object = false;
  json::Value at = old_root;
  for (const std::string& token : tokens) {
    if (decide_at(rules, path, in_object, at).effect == RuleEffect::Opaque) return false;
    in_object = at.is_object();
    path.push_back(token);
    auto next = child(at, token);
    if (!next) return false;
    at = *next;
  }
  const RuleDecision old_decision = decide_at(rules, path, in_object, *old_value);
  const RuleDecision new_decision = decide_at(rules, path, in_object, *new_value);
  return old_decision.effect == RuleEffect::Replaced && new_decision.effect == RuleEffect::Replaced &&
         old_decision.replacement == new_decision.replacement;
}

}  // namespace fixturegen::diff
