#include <fixturegen/scenario/coverage.hpp>

#include <algorithm>

namespace fixturegen::scenario {

PathSet map_paths_of(const Scenario& scenario) {
  PathSet paths;
  for (const Annotation& annotation : scenario.annotations)
    if (annotation.map) paths.insert(annotation.path);
  return paths;
}

void CoverageTracker::add(json::Value capture, const std::optional<std::string>& type,
                          const std::optional<std::string>& command) {
  const Scenario* scenario = (type && m_scenarios) ? m_scenarios->find(*type) : nullptr;
  if (!scenario) {
    m_commands_without_scenarios.emplace(command ? *command : std::string("(no command)"), true);
    return;
  }
  ++m_counts[scenario->name];
  collect_instance_paths(capture, map_paths_of(*scenario), m_observed[scenario->name]);
}

CoverageReport CoverageTracker::report() const {
  CoverageReport report;
  for (const auto& [command, unused] : m_commands_without_scenarios) report.commands_without_scenarios.push_back(command);
  if (!m_scenarios) return report;

  static const PathSet kNothing;
  for (const Scenario& scenario : m_scenarios->scenarios()) {
    auto observed_it = m_observed.find(scenario.name);
    const PathSet& observed = observed_it == m_observed.end() ? kNothing : observed_it->second;
    const PathSet map_paths = map_paths_of(scenario);

    CoverageReport::TypeGaps gaps;
    gaps.type = scenario.name;
    auto count = m_counts.find(scenario.name);
    gaps.captures = count == m_counts.end() ? 0 : count->second;

    PathSet described;
    for (const Variant& variant : scenario.variants) {
      PathSet paths;
      collect_instance_paths(variant.value, map_paths, paths);
      auto missing = std::find_if(paths.begin(), paths.end(),
                                  [&](const std::string& path) { return observed.count(path) == 0; });
      if (missing != paths.end()) gaps.unseen_variants.push_back({variant.name, *missing});
      described.insert(paths.begin(), paths.end());
    }
    // A type never captured at all: its variants say it; listing every path would only repeat it.
    if (gaps.captures == 0) described.clear();
    for (const std::string& path : described) {
      if (path.empty() || observed.count(path)) continue;
      // Topmost only: a child of an unobserved path says nothing new.
      const std::string_view parent = parent_path(path);
      if (!parent.empty() && observed.count(parent) == 0) continue;
      gaps.unobserved_paths.push_back(path);
    }
    if (!gaps.unobserved_paths.empty() || !gaps.unseen_variants.empty()) report.types.push_back(std::move(gaps));
  }
  return report;
}

}  // namespace fixturegen::scenario
