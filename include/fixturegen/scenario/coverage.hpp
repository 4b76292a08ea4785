#pragma once

#include <fixturegen/json/document.hpp>
#include <fixturegen/scenario/instance_path.hpp>
#include <fixturegen/scenario/scenario_set.hpp>

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fixturegen::scenario {

// What the scenarios describe that the live captures never show, and what
// the captures show that no scenario describes (`fixturegen validate
// --coverage`). Everything is compared as instance paths (instance_path.hpp):
// - a path is "unobserved" when some variant of the type has it and no
//   capture of that type does; only the topmost such path is listed (its
//   children are unobserved too);
// - a variant is "never live" when its set of instance paths is not a subset
//   of the union of the paths of all captures of its type, i.e. no mix of
//   live captures shows everything the variant shows;
// - a command is "without scenario" when captures of it matched no scenario.
struct CoverageReport {
  struct TypeGaps {
    std::string type;
    std::size_t captures = 0;
    std::vector<std::string> unobserved_paths;
    struct Variant {
      std::string name;
      std::string first_missing_path;  // one path it has that no capture has
    };
    std::vector<Variant> unseen_variants;
  };
  std::vector<TypeGaps> types;  // one per scenario, by name; only those with gaps
  std::vector<std::string> commands_without_scenarios;  // sorted

  bool empty() const { return types.empty() && commands_without_scenarios.empty(); }
};

class CoverageTracker {
public:
  // `scenarios` may be null (validating against foreign schemas with no
  // scenarios): then only commands without scenarios are reported.
  explicit CoverageTracker(const ScenarioSet* scenarios) : m_scenarios(scenarios) {}

  // One validated capture and the type it was matched to (if any).
  void add(json::Value capture, const std::optional<std::string>& type,
           const std::optional<std::string>& command);

  CoverageReport report() const;

private:
  const ScenarioSet* m_scenarios;
  std::map<std::string, PathSet, std::less<>> m_observed;  // type -> paths seen live
  std::map<std::string, std::size_t, std::less<>> m_counts;
  std::map<std::string, bool, std::less<>> m_commands_without_scenarios;
};

// The map paths of a scenario: annotated `map: true`.
PathSet map_paths_of(const Scenario& scenario);

}  // namespace fixturegen::scenario
