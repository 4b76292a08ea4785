#include <fixturegen/scenario/discriminator.hpp>

#include <fixturegen/json/pointer.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <tuple>
#include <utility>

namespace fixturegen::scenario {
namespace {

bool contains(const std::vector<std::string>& list, std::string_view item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

bool has_key(const ObjectOccurrence& occurrence, std::string_view key) { return contains(occurrence.keys, key); }

// The occurrences grouped by their value of `key`, values in first-seen
// order. Every occurrence has `key` as a string (the caller checked).
std::vector<std::pair<std::string, std::vector<const ObjectOccurrence*>>> group_by(
    const std::vector<ObjectOccurrence>& occurrences, std::string_view key) {
  std::vector<std::pair<std::string, std::vector<const ObjectOccurrence*>>> groups;
  for (const ObjectOccurrence& occurrence : occurrences) {
    const std::string& value = occurrence.strings.find(key)->second;
    auto found = std::find_if(groups.begin(), groups.end(), [&](const auto& group) { return group.first == value; });
    if (found == groups.end()) {
      groups.emplace_back(value, std::vector<const ObjectOccurrence*>{});
      found = std::prev(groups.end());
    }
    found->second.push_back(&occurrence);
  }
  return groups;
}

// Kind names are identifiers (`row_count`, `time_interval`, `auth-failed`);
// a version, a path or a sentence is data, not a kind.
bool is_kind_name(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

bool is_string_in_all(const std::vector<ObjectOccurrence>& occurrences, std::string_view key) {
  return std::all_of(occurrences.begin(), occurrences.end(),
                     [&](const ObjectOccurrence& occurrence) { return occurrence.strings.count(key) > 0; });
}

// A candidate key with what it explains.
struct Candidate {
  std::string key;
  std::size_t explained = 0;   // keys whose presence its value decides
  bool enumerated = false;
  std::size_t values = 0;
  std::size_t order = 0;       // position in key order

  // Explains more, else declared closed, else fewer values, else earlier.
  bool is_better_than(const Candidate& other) const {
    return std::make_tuple(other.explained, !enumerated, values, order) <
           std::make_tuple(explained, !other.enumerated, other.values, other.order);
  }
};

}  // namespace

void collect_object_occurrences(json::Value value, const PathSet& map_paths,
                                std::map<std::string, std::vector<ObjectOccurrence>, std::less<>>& out) {
  // An explicit stack, children pushed in reverse so objects are visited in
  // document order (the first-seen order of discriminator values).
  std::vector<std::pair<json::Value, std::string>> stack;
  stack.emplace_back(value, std::string());
  while (!stack.empty()) {
    auto [node, path] = std::move(stack.back());
    stack.pop_back();
    std::vector<std::pair<json::Value, std::string>> children;
    if (node.is_array()) {
      for (json::Value element : node.elements()) children.emplace_back(element, path + "/*");
    } else if (node.is_object()) {
      const bool is_map = map_paths.count(path) > 0;
      ObjectOccurrence occurrence;
      for (json::Value::Member member : node.members()) {
        if (!is_map) {
          occurrence.keys.emplace_back(member.key);
          if (member.value.is_string()) occurrence.strings.emplace(member.key, member.value.as_string());
        }
        children.emplace_back(member.value,
                              is_map ? path + "/*" : path + "/" + json::escape_pointer_token(member.key));
      }
      if (!is_map) out[path].push_back(std::move(occurrence));
    }
    for (auto child = children.rbegin(); child != children.rend(); ++child) stack.push_back(std::move(*child));
  }
}

std::optional<std::string> discriminator_problem(const std::vector<ObjectOccurrence>& occurrences,
                                                 std::string_view key) {
  std::size_t missing = 0;
  std::size_t not_string = 0;
  for (const ObjectOccurrence& occurrence : occurrences) {
    if (!has_key(occurrence, key)) ++missing;
    else if (occurrence.strings.count(key) == 0) ++not_string;
  }
  if (missing == 0 && not_string == 0) return std::nullopt;
  std::vector<std::string> why;
  if (missing > 0) why.push_back(fmt::format("{} of the {} objects the variants show here lack it", missing,
                                             occurrences.size()));
  if (not_string > 0) why.push_back(fmt::format("{} of the {} have another type there", not_string,
                                                occurrences.size()));
  return fmt::format("the discriminator \"{}\" must be a string in every object here, but {}", key,
                     fmt::join(why, " and "));
}

std::optional<Discriminator> find_discriminator(const std::vector<ObjectOccurrence>& occurrences,
                                                const DiscriminatorHints& hints) {
  if (hints.choice && !*hints.choice) return std::nullopt;  // `discriminator: false`

  // Keys whose presence could depend on the kind: seen here, neither
  // required already nor annotated optional.
  std::vector<std::string> order;
  for (const ObjectOccurrence& occurrence : occurrences)
    for (const std::string& key : occurrence.keys)
      if (!contains(order, key)) order.push_back(key);
  std::vector<std::string> variable;
  for (const std::string& key : order)
    if (!contains(hints.required, key) && !contains(hints.optional, key)) variable.push_back(key);

  std::optional<Candidate> best;
  std::string chosen;
  if (hints.choice) {
    chosen = **hints.choice;
    if (!is_string_in_all(occurrences, chosen)) return std::nullopt;  // refused at load
  } else {
    for (std::size_t position = 0; position < order.size(); ++position) {
      const std::string& key = order[position];
      if (!is_string_in_all(occurrences, key)) continue;
      if (!std::all_of(occurrences.begin(), occurrences.end(),
                       [&](const ObjectOccurrence& o) { return is_kind_name(o.strings.find(key)->second); }))
        continue;
      const auto groups = group_by(occurrences, key);
      const bool enumerated = contains(hints.enumerated, key);
      // A small closed set: declared, or each value seen twice on average
      // (identifiers such as names and hashes rarely repeat).
      if (groups.size() < 2) continue;
      if (!enumerated && occurrences.size() < 2 * groups.size()) continue;
      // Groups of one always agree with themselves: only a value seen at
      // least twice is evidence that the value decides the other keys.
      const bool backed = std::any_of(groups.begin(), groups.end(),
                                      [](const auto& group) { return group.second.size() >= 2; });
      if (!backed) continue;
      Candidate candidate{key, 0, enumerated, groups.size(), position};
      for (const std::string& other : variable) {
        if (other == key) continue;
        bool consistent = true;
        bool present_somewhere = false;
        bool absent_somewhere = false;
        for (const auto& [value, members] : groups) {
          const std::size_t with = static_cast<std::size_t>(std::count_if(
              members.begin(), members.end(), [&](const ObjectOccurrence* o) { return has_key(*o, other); }));
          if (with != 0 && with != members.size()) consistent = false;
          present_somewhere = present_somewhere || with > 0;
          absent_somewhere = absent_somewhere || with == 0;
        }
        if (consistent && present_somewhere && absent_somewhere) ++candidate.explained;
      }
      if (candidate.explained == 0) continue;
      if (!best || candidate.is_better_than(*best)) best = candidate;
    }
    if (!best) return std::nullopt;
    chosen = best->key;
  }

  Discriminator discriminator;
  discriminator.key = chosen;
  for (const auto& [value, members] : group_by(occurrences, chosen)) {
    Discriminator::Case one{value, {}};
    for (const std::string& key : variable) {
      if (key == chosen) continue;
      if (std::all_of(members.begin(), members.end(), [&](const ObjectOccurrence* o) { return has_key(*o, key); }))
        one.required.push_back(key);
    }
    if (one.required.empty()) continue;
    std::sort(one.required.begin(), one.required.end());
    discriminator.cases.push_back(std::move(one));
  }
  return discriminator;
}

}  // namespace fixturegen::scenario
