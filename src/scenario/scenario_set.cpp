#include <fixturegen/scenario/scenario_set.hpp>

#include <fixturegen/io/file.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <system_error>

namespace fixturegen::scenario {

Expected<ScenarioSet> ScenarioSet::from_scenarios(std::vector<Scenario> scenarios) {
  std::sort(scenarios.begin(), scenarios.end(),
            [](const Scenario& a, const Scenario& b) { return a.name < b.name; });
  ScenarioSet set;
  std::vector<std::string> problems;
  std::string hint;
  for (const Scenario& scenario : scenarios) {
    Expected<void> added = set.m_matcher.add(scenario.name, scenario.match);
    if (!added) {
      problems.push_back(fmt::format("{}: {}", scenario.file.generic_string(), added.error().message));
      hint = added.error().hint;
    }
  }
  if (problems.empty()) {
    for (const Scenario& scenario : scenarios) {
      for (const Variant& variant : scenario.variants) {
        std::optional<std::string> type = set.m_matcher.match(variant.value);
        if (type && *type != scenario.name) {
          problems.push_back(fmt::format(
              "{}: /variants/{}: this example is matched as type \"{}\", not \"{}\"", scenario.file.generic_string(),
              variant.name, *type, scenario.name));
          hint = "add a discriminator (`has_keys`/`lacks_keys`) so the example matches its own type";
        }
      }
    }
  }
  if (!problems.empty()) {
    std::string message = problems.size() == 1 ? problems.front()
                                               : fmt::format("{} problems across scenario files:\n  {}",
                                                             problems.size(), fmt::join(problems, "\n  "));
    return Error::usage(std::move(message), std::move(hint));
  }
  set.m_scenarios = std::move(scenarios);
  return set;
}

const Scenario* ScenarioSet::find(std::string_view name) const {
  for (const Scenario& scenario : m_scenarios)
    if (scenario.name == name) return &scenario;
  return nullptr;
}

Expected<ScenarioSet> load_scenario_set(const std::filesystem::path& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    return Error::usage(fmt::format("no scenario directory {}", dir.generic_string()),
                        "run from the repository root, or pass --scenarios DIR");
  }
  std::vector<std::filesystem::path> files;
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() == ".json" && it->is_regular_file(ec)) files.push_back(it->path());
  }
  if (ec) return Error::io(fmt::format("cannot list {}: {}", dir.generic_string(), ec.message()));
  std::sort(files.begin(), files.end());
  if (files.empty()) {
    return Error::usage(fmt::format("no scenario files (*.json) in {}", dir.generic_string()),
                        "write one scenario per output type (docs/scenario-format.md)");
  }

  std::vector<Scenario> scenarios;
  std::vector<std::string> problems;
  for (const std::filesystem::path& file : files) {
    Expected<std::string> text = io::read_file(file);
    if (!text) return std::move(text).error();
    Expected<Scenario> scenario = parse_scenario(*text, file);
    if (!scenario) {
      problems.push_back(scenario.error().message);
      continue;
    }
    scenarios.push_back(std::move(*scenario));
  }
  if (!problems.empty()) {
    // All files' problems at once; each message already names its file.
    return Error::usage(fmt::format("{}", fmt::join(problems, "\n")),
                        "see docs/scenario-format.md for the scenario file format");
  }
  return ScenarioSet::from_scenarios(std::move(scenarios));
}

}  // namespace fixturegen::scenario
