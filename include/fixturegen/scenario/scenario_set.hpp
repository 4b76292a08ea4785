#pragma once

#include <fixturegen/core/error.hpp>
#include <fixturegen/scenario/output_type.hpp>
#include <fixturegen/scenario/scenario.hpp>

#include <filesystem>
#include <string_view>
#include <vector>

namespace fixturegen::scenario {

// Every scenario of a project, sorted by name, with the matcher their
// `match` rules make. Checks what no single file can: no two types tie, and
// each variant is matched as its own type by the whole set.
class ScenarioSet {
public:
  static Expected<ScenarioSet> from_scenarios(std::vector<Scenario> scenarios);

  const std::vector<Scenario>& scenarios() const { return m_scenarios; }
  const Scenario* find(std::string_view name) const;
  const OutputTypeMatcher& matcher() const { return m_matcher; }

private:
  std::vector<Scenario> m_scenarios;
  OutputTypeMatcher m_matcher;
};

// Reads every `*.json` directly in `dir` (not recursive: one file per type).
// A missing directory or one without scenarios is a usage error.
Expected<ScenarioSet> load_scenario_set(const std::filesystem::path& dir);

}  // namespace fixturegen::scenario
