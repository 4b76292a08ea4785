#pragma once

#include <fixturegen/scenario/engine_compare.hpp>

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace fixturegen::scenario {

// The report of `fixturegen schemas --compare DIR` and of the engine part of
// `fixturegen validate --coverage --schemas DIR` (docs/compare.md).

// What `--fail-on` can name: "missing", "extra", "type", "no-scenario"
// (engine types without a scenario), "no-schema" (scenarios without an
// engine schema).
const std::vector<std::string>& compare_category_names();

// The categories of `fail_on` that are not empty in `comparison`, in the
// order given; unknown names are ignored (the CLI refuses them first).
std::vector<std::string> failing_categories(const SchemaComparison& comparison, const std::vector<std::string>& fail_on);

// Text: per type a summary line ("run: declared 212, shown 150 (71%),
// missing 62, extra 0, type 12") and then one line per finding, missing and
// extra paths listed topmost only ("(and N below)"); then the unpaired
// types and a total line.
std::string comparison_text(const SchemaComparison& comparison);
// JSON: every path, children included (docs/compare.md has the layout).
nlohmann::ordered_json comparison_json(const SchemaComparison& comparison);
// The bytes `schemas --compare` prints: the text, or the JSON indented by 2
// with a trailing newline.
std::string comparison_report(const SchemaComparison& comparison, bool json);

// The corpus against the engine schemas: per captured type a summary line
// and the declared paths no capture shows (topmost only in text).
std::string engine_coverage_text(const std::vector<TypeComparison>& types, std::string_view schemas_dir);
nlohmann::ordered_json engine_coverage_json(const std::vector<TypeComparison>& types);

// Missing or extra paths with their descendants folded in: each topmost
// path and how many paths below it the list also holds.
struct FoldedPath {
  std::string path;
  std::size_t below = 0;
};
std::vector<FoldedPath> fold_paths(const std::vector<std::string>& sorted_paths);

}  // namespace fixturegen::scenario
