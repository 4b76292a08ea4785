#include <fixturegen/diff/json_diff.hpp>
#include <fixturegen/json/pointer.hpp>
#include <fixturegen/stability/analysis.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <map>
#include <optional>
#include <set>
#include <tuple>

namespace fixturegen::stability {

namespace {

using Documents = std::map<std::string, json::Document>;  // by file; map nodes never move

// What one run-to-run comparison found at one location.
enum class Category { Varies, ArrayOrder, KeyOrder, Structure };

std::optional<json::Value> value_at(const json::Document& document, const std::vector<std::string>& tokens) {
  json::Value at = document.root();
  for (const std::string& token : tokens) {
    if (at.is_object()) {
      auto member = at.find(token);
      if (!member) return std::nullopt;
      at = *member;
    } else if (at.is_array()) {
      if (token.empty() || token.size() > 9 || !std::all_of(token.begin(), token.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return std::nullopt;
      }
      std::size_t index = 0;
      std::from_chars(token.data(), token.data() + token.size(), index);
      if (index >= at.size()) return std::nullopt;
      auto it = at.elements().begin();
      for (std::size_t i = 0; i < index; ++i) ++it;
      at = *it;
    } else {
      return std::nullopt;
    }
  }
  return at;
}

std::optional<json::Value> value_at(const json::Document& document, const std::string& pointer) {
  std::vector<std::string> tokens;
  if (!json::split_pointer(pointer, tokens)) return std::nullopt;
  return value_at(document, tokens);
}

std::string fold_indices(const std::vector<std::string>& tokens) {
  std::string pattern;
  for (const std::string& token : tokens) {
    const bool index = !token.empty() && std::all_of(token.begin(), token.end(), [](char c) { return c >= '0' && c <= '9'; });
    pattern += '/';
    pattern += index ? std::string("*") : json::escape_pointer_token(token);
  }
  return pattern;
}

// The member name a pointer ends in, or "" when its parent is an array (or
// it is the root).
std::string key_of(const json::Document& document, const std::vector<std::string>& tokens) {
  if (tokens.empty()) return {};
  std::vector<std::string> parent(tokens.begin(), tokens.end() - 1);
  auto container = value_at(document, parent);
  return container && container->is_object() ? tokens.back() : std::string();
}

// The keys of an object, as a compact JSON array (key order findings).
std::string key_list(json::Value object) {
  std::string out = "[";
  for (const auto& member : object.members()) {
    if (out.size() > 1) out += ',';
    out += fmt::format("\"{}\"", member.key);
  }
  return out + "]";
}

// Arrays that hold the same elements in another order in `a` and `b`, by
// pointer. Such an array is not descended into: its elements moved, they
// did not change.
void find_reordered_arrays(json::Value a, json::Value b, std::set<std::string>& out) {
  struct Item {
    json::Value a, b;
    std::string pointer;
  };
  std::vector<Item> stack{{a, b, ""}};
  while (!stack.empty()) {
    Item item = std::move(stack.back());
    stack.pop_back();
    if (item.a.is_array() && item.b.is_array()) {
      if (item.a.size() != item.b.size() || json::json_equal(item.a, item.b)) continue;
      std::vector<std::string> left, right;
      for (json::Value element : item.a.elements()) left.push_back(diff::compact_json(element));
      for (json::Value element : item.b.elements()) right.push_back(diff::compact_json(element));
      if (left != right) {
        std::vector<std::string> sorted_left = left, sorted_right = right;
        std::sort(sorted_left.begin(), sorted_left.end());
        std::sort(sorted_right.begin(), sorted_right.end());
        if (sorted_left == sorted_right) {
          out.insert(item.pointer);
          continue;
        }
      }
      auto ia = item.a.elements().begin();
      auto ib = item.b.elements().begin();
      for (std::size_t i = 0; i < item.a.size(); ++i, ++ia, ++ib) {
        stack.push_back({*ia, *ib, item.pointer + "/" + std::to_string(i)});
      }
    } else if (item.a.is_object() && item.b.is_object()) {
      for (const auto& member : item.a.members()) {
        if (auto other = item.b.find(member.key)) {
          stack.push_back({member.value, *other, item.pointer + "/" + json::escape_pointer_token(member.key)});
        }
      }
    }
  }
}

bool under(const std::string& pointer, const std::set<std::string>& prefixes) {
  for (const std::string& prefix : prefixes) {
    if (pointer.size() > prefix.size() && pointer.compare(0, prefix.size(), prefix) == 0 && pointer[prefix.size()] == '/') {
      return true;
    }
  }
  return false;
}

ValueClass classify_values(const std::vector<std::optional<json::Value>>& values, const std::string& key,
                           const ClassifyContext& context) {
  std::optional<ValueClass> common;
  bool all_numbers = true;
  bool any = false;
  for (const auto& value : values) {
    if (!value || value->is_null()) continue;
    any = true;
    if (!value->is_number()) all_numbers = false;
    const ValueClass here = value->is_string() ? classify_string(value->as_string(), key, context) : ValueClass::Other;
    if (!common) common = here;
    else if (*common != here) common = ValueClass::Other;
  }
  if (any && all_numbers) return ValueClass::Duration;
  return common.value_or(ValueClass::Other);
}

struct Located {
  std::string file;
  std::string pointer;
  bool operator<(const Located& other) const { return std::tie(file, pointer) < std::tie(other.file, other.pointer); }
};

// Walks every string scalar of a document with its pointer tokens.
template <class Visit>
void for_each_string(const json::Document& document, Visit visit) {
  struct Item {
    json::Value value;
    std::vector<std::string> tokens;
  };
  std::vector<Item> stack{{document.root(), {}}};
  while (!stack.empty()) {
    Item item = std::move(stack.back());
    stack.pop_back();
    if (item.value.is_string()) {
      visit(item.value.as_string(), item.tokens);
    } else if (item.value.is_array()) {
      std::size_t i = 0;
      for (json::Value element : item.value.elements()) {
        auto tokens = item.tokens;
        tokens.push_back(std::to_string(i++));
        stack.push_back({element, std::move(tokens)});
      }
    } else if (item.value.is_object()) {
      for (const auto& member : item.value.members()) {
        auto tokens = item.tokens;
        tokens.emplace_back(member.key);
        stack.push_back({member.value, std::move(tokens)});
      }
    }
  }
}

std::string pointer_of(const std::vector<std::string>& tokens) {
  std::string pointer;
  for (const std::string& token : tokens) pointer += "/" + json::escape_pointer_token(token);
  return pointer;
}

}  // namespace

Expected<Analysis> analyze_runs(const std::vector<StabilityRun>& runs, const normalize::CompiledRules& rules,
                                const ClassifyContext& context) {
  Analysis analysis;
  analysis.runs = runs.size();
  if (runs.size() < 2) return Error::usage("stability needs at least two runs to compare");
  analysis.captures = runs.front().captures.size();

  // Parse every capture once, both sides. Reserved up front: a Value points
  // at its Document, which must not move.
  std::vector<Documents> normalized(runs.size());
  std::vector<Documents> raw(runs.size());
  std::set<std::string> files;
  for (std::size_t r = 0; r < runs.size(); ++r) {
    for (const auto& [file, sample] : runs[r].captures) {
      files.insert(file);
      if (auto error = json::Document::parse(sample.normalized, normalized[r][file])) {
        // The runner hands over only what parsed and normalized: this is our
        // bug, never a verdict on the engine (exit 1 would say "unstable").
        return Error::internal(fmt::format("{}: {}: normalized capture is not JSON: {}", runs[r].label, file, error->to_string()));
      }
      if (auto error = json::Document::parse(sample.raw, raw[r][file])) {
        return Error::internal(fmt::format("{}: {}: stdout is not JSON: {}", runs[r].label, file, error->to_string()));
      }
    }
  }

  // Every location where some run differs from the first, and how.
  std::map<Located, Category> differing;
  for (const std::string& file : files) {
    const auto first = normalized[0].find(file);
    for (std::size_t r = 1; r < runs.size(); ++r) {
      const auto other = normalized[r].find(file);
      if (first == normalized[0].end() || other == normalized[r].end()) {
        differing.emplace(Located{file, ""}, Category::Structure);
        continue;
      }
      std::set<std::string> reordered;
      find_reordered_arrays(first->second.root(), other->second.root(), reordered);
      for (const std::string& pointer : reordered) differing.emplace(Located{file, pointer}, Category::ArrayOrder);
      for (const diff::Change& change : diff::diff_values(first->second.root(), other->second.root())) {
        if (reordered.count(change.pointer) || under(change.pointer, reordered)) continue;
        Category category = Category::Structure;
        switch (change.kind) {
          case diff::ChangeKind::ValueChanged: category = Category::Varies; break;
          case diff::ChangeKind::TypeChanged:
            category = change.old_kind != json::Kind::Array && change.old_kind != json::Kind::Object &&
                               change.new_kind != json::Kind::Array && change.new_kind != json::Kind::Object
                           ? Category::Varies
                           : Category::Structure;
            break;
          case diff::ChangeKind::KeyOrderChanged: category = Category::KeyOrder; break;
          default: category = Category::Structure; break;
        }
        differing.emplace(Located{file, change.pointer}, category);
      }
    }
  }

  // Group them: by kind, class and member name (or pattern, for elements).
  using GroupKey = std::tuple<int, int, std::string, std::string>;
  std::map<GroupKey, Finding> groups;
  auto add_occurrence = [&](FindingKind kind, ValueClass value_class, const std::string& file,
                            const std::vector<std::string>& tokens, const json::Document& first_doc,
                            std::vector<std::string> values, json::Kind value_kind) {
    const std::string key = key_of(first_doc, tokens);
    const std::string pattern = fold_indices(tokens);
    Finding& finding = groups[GroupKey{static_cast<int>(kind), static_cast<int>(value_class), key, key.empty() ? pattern : ""}];
    finding.kind = kind;
    finding.value_class = value_class;
    finding.key = key;
    if (finding.occurrences.empty()) finding.value_kind = value_kind;
    if (std::find(finding.patterns.begin(), finding.patterns.end(), pattern) == finding.patterns.end()) {
      finding.patterns.push_back(pattern);
    }
    finding.occurrences.push_back({file, pointer_of(tokens), std::move(values)});
  };

  for (const auto& [where, category] : differing) {
    std::vector<std::string> tokens;
    json::split_pointer(where.pointer, tokens);
    std::vector<std::optional<json::Value>> values;
    std::vector<std::string> texts;
    for (std::size_t r = 0; r < runs.size(); ++r) {
      const auto doc = normalized[r].find(where.file);
      auto value = doc == normalized[r].end() ? std::nullopt : value_at(doc->second, tokens);
      values.push_back(value);
      if (!value) texts.emplace_back();
      else texts.push_back(category == Category::KeyOrder && value->is_object() ? key_list(*value) : diff::compact_json(*value));
    }
    const auto first_doc = normalized[0].find(where.file);
    const json::Document& anchor = first_doc != normalized[0].end() ? first_doc->second : normalized[1].begin()->second;
    const json::Kind kind = values[0] ? values[0]->kind() : json::Kind::Null;
    switch (category) {
      case Category::Varies:
        add_occurrence(FindingKind::Varies, classify_values(values, key_of(anchor, tokens), context), where.file, tokens,
                       anchor, std::move(texts), kind);
        break;
      case Category::ArrayOrder:
        add_occurrence(FindingKind::Varies, ValueClass::ArrayOrder, where.file, tokens, anchor, std::move(texts), kind);
        break;
      case Category::KeyOrder:
        add_occurrence(FindingKind::Varies, ValueClass::KeyOrder, where.file, tokens, anchor, std::move(texts), kind);
        break;
      case Category::Structure:
        add_occurrence(FindingKind::Structure, ValueClass::Other, where.file, tokens, anchor, std::move(texts), kind);
        break;
    }
  }

  // Equal in every run, but bound to this machine or this engine build: the
  // host name and the engine's version number.
  const auto is_host = [&](std::string_view text) {
    return std::find(context.host_names.begin(), context.host_names.end(), text) != context.host_names.end();
  };
  const auto is_engine_version = [&](std::string_view text) {
    return std::find(context.engine_versions.begin(), context.engine_versions.end(), text) != context.engine_versions.end();
  };
  const auto machine_dependent = [&](std::string_view text) { return is_host(text) || is_engine_version(text); };
  for (const auto& entry : normalized[0]) {
    // Named references, not a structured binding: clang 14 (the fuzz build)
    // cannot capture a structured binding in a lambda.
    const auto& file = entry.first;
    const auto& document = entry.second;
    for_each_string(document, [&](std::string_view text, const std::vector<std::string>& tokens) {
      const bool host = is_host(text);
      if (!host && !is_engine_version(text)) return;
      const std::string pointer = pointer_of(tokens);
      if (differing.count(Located{file, pointer})) return;
      std::vector<std::string> texts;
      for (std::size_t r = 0; r < runs.size(); ++r) {
        const auto doc = normalized[r].find(file);
        auto value = doc == normalized[r].end() ? std::nullopt : value_at(doc->second, tokens);
        texts.push_back(value ? diff::compact_json(*value) : std::string());
      }
      add_occurrence(FindingKind::MachineDependent, host ? ValueClass::HostName : ValueClass::Semver, file, tokens, document,
                     std::move(texts), json::Kind::String);
    });
  }

  // Is the member name unambiguous? Every member of that name, in every run,
  // holds the finding's class of value or is one of its occurrences.
  for (auto& [group, finding] : groups) {
    if (finding.key.empty() || finding.kind == FindingKind::Structure || finding.value_class == ValueClass::ArrayOrder ||
        finding.value_class == ValueClass::KeyOrder) {
      continue;
    }
    std::set<Located> own;
    for (const Occurrence& occurrence : finding.occurrences) own.insert({occurrence.file, occurrence.pointer});
    finding.key_unambiguous = true;
    for (std::size_t r = 0; r < runs.size() && finding.key_unambiguous; ++r) {
      for (const auto& [file, document] : normalized[r]) {
        std::vector<std::pair<std::vector<std::string>, json::Value>> stack{{{}, document.root()}};
        while (!stack.empty() && finding.key_unambiguous) {
          auto [tokens, value] = std::move(stack.back());
          stack.pop_back();
          if (value.is_array()) {
            std::size_t i = 0;
            for (json::Value element : value.elements()) {
              auto inner = tokens;
              inner.push_back(std::to_string(i++));
              stack.emplace_back(std::move(inner), element);
            }
            continue;
          }
          if (!value.is_object()) continue;
          for (const auto& member : value.members()) {
            auto inner = tokens;
            inner.emplace_back(member.key);
            if (member.key == finding.key && !own.count({file, pointer_of(inner)})) {
              const json::Value held = member.value;
              const bool fits = finding.value_class == ValueClass::Duration
                                    ? held.is_number()
                                    : held.is_string() && (finding.value_class == ValueClass::Other ||
                                                           classify_string(held.as_string(), finding.key, context) ==
                                                               finding.value_class);
              if (!fits) {
                finding.key_unambiguous = false;
                finding.counterexample = fmt::format("{}#{}: {}", file, pointer_of(inner), diff::compact_json(held));
                break;
              }
            }
            stack.emplace_back(std::move(inner), member.value);
          }
        }
        if (!finding.key_unambiguous) break;
      }
    }
  }

  for (auto& [group, finding] : groups) {
    std::sort(finding.patterns.begin(), finding.patterns.end());
    std::sort(finding.occurrences.begin(), finding.occurrences.end(), [](const Occurrence& a, const Occurrence& b) {
      return std::tie(a.file, a.pointer) < std::tie(b.file, b.pointer);
    });
    analysis.findings.push_back(std::move(finding));
  }
  std::stable_sort(analysis.findings.begin(), analysis.findings.end(), [](const Finding& a, const Finding& b) {
    return static_cast<int>(a.kind) < static_cast<int>(b.kind);
  });

  // Rules that replaced only values that never moved between runs.
  std::map<std::uint32_t, QuietRule> quiet;
  std::set<std::uint32_t> moved;
  for (const auto& location : runs[0].firings.locations) {
    if (location.rule >= rules.rule_count() || !rules.rule_replaces(location.rule) || moved.count(location.rule)) continue;
    std::vector<std::string> texts;
    bool same = true;
    std::optional<std::string> first_text;
    for (std::size_t r = 0; r < runs.size(); ++r) {
      const auto doc = raw[r].find(location.file);
      auto value = doc == raw[r].end() ? std::nullopt : value_at(doc->second, location.pointer);
      texts.push_back(value ? diff::compact_json(*value) : std::string());
      // This machine's host name or the engine's version moves on another
      // machine or build: the rule is needed even if it did not move here.
      if (value && value->is_string() && machine_dependent(value->as_string())) same = false;
      if (!value) same = false;
      else if (!first_text) first_text = texts.back();
      else if (texts.back() != *first_text) same = false;
    }
    if (!same) {
      moved.insert(location.rule);
      quiet.erase(location.rule);
      continue;
    }
    QuietRule& entry = quiet[location.rule];
    entry.rule = rules.rule_name(location.rule);
    ++entry.locations;
    if (entry.samples.size() < 3) entry.samples.push_back({location.file, location.pointer, std::move(texts)});
  }
  for (auto& [id, entry] : quiet) analysis.quiet_rules.push_back(std::move(entry));
  return analysis;
}

}  // namespace fixturegen::stability
