#include <fixturegen/scenario/engine_compare_report.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <map>

namespace fixturegen::scenario {

namespace {

using OrderedJson = nlohmann::ordered_json;

std::string percent(std::size_t part, std::size_t whole) {
  if (whole == 0) return "-";
  return fmt::format("{:.0f}%", 100.0 * static_cast<double>(part) / static_cast<double>(whole));
}

std::string summary_line(const TypeComparison& type, std::string_view shown_by) {
  return fmt::format("{}: declared {}, shown {} ({}){}, missing {}, extra {}, type {}\n", type.type, type.declared,
                     type.shown, percent(type.shown, type.declared), shown_by, type.missing.size(), type.extra.size(),
                     type.findings.size());
}

std::string folded_lines(std::string_view label, const std::vector<std::string>& paths) {
  std::string text;
  for (const FoldedPath& folded : fold_paths(paths)) {
    text += fmt::format("  {:<8} {}", label, folded.path);
    if (folded.below > 0) text += fmt::format("  (and {} below)", folded.below);
    text += '\n';
  }
  return text;
}

std::string name_list(const std::vector<std::string>& names) {
  return names.empty() ? std::string("none") : fmt::format("{}", fmt::join(names, ", "));
}

OrderedJson summary_json(const TypeComparison& type) {
  return OrderedJson{{"declared", type.declared},
                     {"shown", type.shown},
                     {"missing", type.missing.size()},
                     {"extra", type.extra.size()},
                     {"type", type.findings.size()}};
}

OrderedJson findings_json(const std::vector<TypeFinding>& findings) {
  OrderedJson list = OrderedJson::array();
  for (const TypeFinding& finding : findings) {
    // Enum values are kept as JSON text (scalar_text); give them back as
    // values, so "1" and "\"1\"" stay apart. Kind findings list kind names.
    const bool enum_finding = finding.kind == TypeFinding::Kind::EnumValueNotShown ||
                              finding.kind == TypeFinding::Kind::EnumValueNotDeclared;
    OrderedJson values = OrderedJson::array();
    for (const std::string& value : finding.values) {
      OrderedJson parsed = enum_finding ? OrderedJson::parse(value, nullptr, false) : OrderedJson(value);
      values.push_back(parsed.is_discarded() ? OrderedJson(value) : std::move(parsed));
    }
    list.push_back(OrderedJson{{"path", finding.path},
                               {"kind", std::string(to_string(finding.kind))},
                               {"message", finding.message},
                               {"values", std::move(values)}});
  }
  return list;
}

}  // namespace

const std::vector<std::string>& compare_category_names() {
  static const std::vector<std::string> names = {"missing", "extra", "type", "no-scenario", "no-schema"};
  return names;
}

std::vector<std::string> failing_categories(const SchemaComparison& comparison, const std::vector<std::string>& fail_on) {
  const auto any_type = [&](auto has) {
    return std::any_of(comparison.types.begin(), comparison.types.end(), has);
  };
  std::vector<std::string> failing;
  for (const std::string& category : fail_on) {
    bool non_empty = false;
    if (category == "missing") non_empty = any_type([](const TypeComparison& t) { return !t.missing.empty(); });
    else if (category == "extra") non_empty = any_type([](const TypeComparison& t) { return !t.extra.empty(); });
    else if (category == "type") non_empty = any_type([](const TypeComparison& t) { return !t.findings.empty(); });
    else if (category == "no-scenario") non_empty = !comparison.engine_types_without_scenario.empty();
    else if (category == "no-schema") non_empty = !comparison.scenarios_without_engine_schema.empty();
    if (non_empty && std::find(failing.begin(), failing.end(), category) == failing.end()) failing.push_back(category);
  }
  return failing;
}

std::vector<FoldedPath> fold_paths(const std::vector<std::string>& sorted_paths) {
  // "/a-b" sorts between "/a" and "/a/c", so descendants are not contiguous:
  // look each path's ancestors up instead.
  const PathSet listed(sorted_paths.begin(), sorted_paths.end());
  std::vector<FoldedPath> folded;
  std::map<std::string_view, std::size_t, std::less<>> index_of_top;
  for (const std::string& path : sorted_paths) {
    std::string_view top;
    bool has_ancestor = false;
    for (std::string_view ancestor = path; !ancestor.empty();) {
      ancestor = parent_path(ancestor);
      if (!ancestor.empty() && listed.count(ancestor)) {
        top = ancestor;
        has_ancestor = true;
      }
    }
    if (!has_ancestor) {
      index_of_top.emplace(path, folded.size());
      folded.push_back({path, 0});
      continue;
    }
    if (auto found = index_of_top.find(top); found != index_of_top.end()) ++folded[found->second].below;
  }
  return folded;
}

std::string comparison_text(const SchemaComparison& comparison) {
  std::string text = fmt::format("scenarios against the engine schemas in {}\n", comparison.schemas_dir);
  std::size_t declared = 0, shown = 0, missing = 0, extra = 0, findings = 0;
  for (const TypeComparison& type : comparison.types) {
    text += summary_line(type, "");
    text += folded_lines("missing", type.missing);
    text += folded_lines("extra", type.extra);
    for (const TypeFinding& finding : type.findings)
      text += fmt::format("  {:<8} {}: {}\n", "type", finding.path.empty() ? "(root)" : finding.path, finding.message);
    for (const std::string& problem : type.problems) text += fmt::format("  {:<8} {}\n", "problem", problem);
    declared += type.declared;
    shown += type.shown;
    missing += type.missing.size();
    extra += type.extra.size();
    findings += type.findings.size();
  }
  text += fmt::format("engine types with no scenario ({}): {}\n", comparison.engine_types_without_scenario.size(),
                      name_list(comparison.engine_types_without_scenario));
  text += fmt::format("scenarios with no engine schema ({}): {}\n", comparison.scenarios_without_engine_schema.size(),
                      name_list(comparison.scenarios_without_engine_schema));
  text += fmt::format("{} type(s) compared: declared {}, shown {} ({}), missing {}, extra {}, type {}\n",
                      comparison.types.size(), declared, shown, percent(shown, declared), missing, extra, findings);
  return text;
}

OrderedJson comparison_json(const SchemaComparison& comparison) {
  OrderedJson types = OrderedJson::array();
  std::size_t declared = 0, shown = 0, missing = 0, extra = 0, findings = 0;
  for (const TypeComparison& type : comparison.types) {
    types.push_back(OrderedJson{{"type", type.type},
                                {"variants", type.examples},
                                {"summary", summary_json(type)},
                                {"missing", type.missing},
                                {"extra", type.extra},
                                {"type_findings", findings_json(type.findings)},
                                {"problems", type.problems}});
    declared += type.declared;
    shown += type.shown;
    missing += type.missing.size();
    extra += type.extra.size();
    findings += type.findings.size();
  }
  return OrderedJson{{"schemas_dir", comparison.schemas_dir},
                     {"types", std::move(types)},
                     {"engine_types_without_scenario", comparison.engine_types_without_scenario},
                     {"scenarios_without_engine_schema", comparison.scenarios_without_engine_schema},
                     {"total", OrderedJson{{"types", comparison.types.size()},
                                           {"declared", declared},
                                           {"shown", shown},
                                           {"missing", missing},
                                           {"extra", extra},
                                           {"type", findings}}}};
}

std::string comparison_report(const SchemaComparison& comparison, bool json) {
  if (!json) return comparison_text(comparison);
  return comparison_json(comparison).dump(2, ' ', false, OrderedJson::error_handler_t::replace) + "\n";
}

std::string engine_coverage_text(const std::vector<TypeComparison>& types, std::string_view schemas_dir) {
  std::string text =
      fmt::format("coverage: engine-declared fields no capture shows (schemas in {}):{}\n", schemas_dir,
                  std::none_of(types.begin(), types.end(), [](const TypeComparison& t) { return !t.missing.empty(); })
                      ? " none"
                      : "");
  for (const TypeComparison& type : types) {
    // Extra keys and type mismatches of captures are validation's business.
    text += fmt::format("  {}: declared {}, shown {} ({}) by {} capture(s), missing {}\n", type.type, type.declared,
                        type.shown, percent(type.shown, type.declared), type.examples, type.missing.size());
    for (const FoldedPath& folded : fold_paths(type.missing)) {
      text += fmt::format("    {}", folded.path);
      if (folded.below > 0) text += fmt::format("  (and {} below)", folded.below);
      text += '\n';
    }
    for (const std::string& problem : type.problems) text += fmt::format("    problem: {}\n", problem);
  }
  return text;
}

OrderedJson engine_coverage_json(const std::vector<TypeComparison>& types) {
  OrderedJson list = OrderedJson::array();
  for (const TypeComparison& type : types) {
    list.push_back(OrderedJson{{"type", type.type},
                               {"captures", type.examples},
                               {"declared", type.declared},
                               {"shown", type.shown},
                               {"missing", type.missing}});
  }
  return list;
}

}  // namespace fixturegen::scenario
