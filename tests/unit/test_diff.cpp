// diff: per-pointer changes between two documents (every category), which
// values the rules own, per-file comparison of trees, grouping by cause, and
// the rendered reports.

#include "support.hpp"

#include <fixturegen/diff/capture_tree.hpp>
#include <fixturegen/diff/json_diff.hpp>
#include <fixturegen/diff/pending.hpp>
#include <fixturegen/diff/report.hpp>
#include <fixturegen/diff/rule_ownership.hpp>
#include <fixturegen/json/document.hpp>
#include <fixturegen/json/pointer.hpp>
#include <fixturegen/normalize/normalizer.hpp>
#include <fixturegen/normalize/rules.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>


using namespace fixturegen;
using diff::ChangeKind;

namespace {

std::vector<diff::Change> changes_between(std::string_view old_text, std::string_view new_text,
                                          const normalize::CompiledRules* rules = nullptr) {
  diff::DiffOptions options;
  options.rules = rules;
  auto changes = diff::diff_texts(old_text, new_text, options);
  INFO((changes ? std::string() : changes.error().message));
  REQUIRE(changes.has_value());
  return std::move(*changes);
}

normalize::CompiledRules compiled(normalize::NormalizeRules rules) {
  auto result = normalize::compile_rules(std::move(rules));
  REQUIRE(result.has_value());
  return std::move(*result);
}

normalize::CompiledRules profile(std::string_view name) {
  auto rules = normalize::builtin_profile(name);
  REQUIRE(rules.has_value());
  return compiled(std::move(*rules));
}

// "kind pointer old new" per change, for whole-list comparisons.
std::vector<std::string> described(const std::vector<diff::Change>& changes) {
  std::vector<std::string> lines;
  for (const diff::Change& change : changes) {
    lines.push_back(std::string(diff::change_kind_name(change.kind)) + " " + change.pointer + " " + change.old_text +
                    " " + change.new_text);
  }
  return lines;
}

}  // namespace

TEST_CASE("diff::diff_texts finds nothing between equal documents") {
  CHECK(changes_between(R"({"a": [1, 2.5, "x", null, true, {"b": {}}]})",
                        R"({"a":[1,2.5,"x",null,true,{"b":{}}]})")
            .empty());
}

TEST_CASE("diff::diff_texts reports added and removed members") {
  const auto changes = changes_between(R"({"keep": 1, "gone": {"x": 1}})", R"({"keep": 1, "new": [1, "two"]})");
  CHECK(described(changes) ==
        std::vector<std::string>{R"(added /new  [1,"two"])", R"(removed /gone {"x":1} )"});
  CHECK(changes[0].new_kind == json::Kind::Array);
  CHECK(changes[1].old_kind == json::Kind::Object);
}

TEST_CASE("diff::diff_texts reports changed values of each scalar type") {
  CHECK(described(changes_between(R"({"n": 1, "f": 1.5, "s": "a", "b": true})",
                                  R"({"n": 2, "f": 1.25, "s": "b", "b": false})")) ==
        std::vector<std::string>{"value_changed /n 1 2", "value_changed /f 1.5 1.25", R"(value_changed /s "a" "b")",
                                 "value_changed /b true false"});
  // Integers beyond 64 bits compare digit for digit; 0.0 and -0.0 differ in bytes.
  CHECK(described(changes_between(R"([123456789012345678901234567890, 0.0])",
                                  R"([123456789012345678901234567891, -0.0])")) ==
        std::vector<std::string>{"value_changed /0 123456789012345678901234567890 123456789012345678901234567891",
                                 "value_changed /1 0.0 -0.0"});
}

TEST_CASE("diff::diff_texts tells integer from number: 1 to 1.0 is a type change") {
  const auto changes = changes_between(R"({"metrics": {"error_rate_pct": 1}})", R"({"metrics": {"error_rate_pct": 1.0}})");
  REQUIRE(changes.size() == 1);
  CHECK(changes[0].kind == ChangeKind::TypeChanged);
  CHECK(changes[0].pointer == "/metrics/error_rate_pct");
  CHECK(changes[0].old_kind == json::Kind::Integer);
  CHECK(changes[0].new_kind == json::Kind::Float);
  CHECK(changes[0].old_text == "1");
  CHECK(changes[0].new_text == "1.0");
}

TEST_CASE("diff::diff_texts reports a container turned scalar once, without descending") {
  CHECK(described(changes_between(R"({"a": {"x": 1, "y": 2}})", R"({"a": "flat"})")) ==
        std::vector<std::string>{R"(type_changed /a {"x":1,"y":2} "flat")"});
  CHECK(described(changes_between(R"({"a": [1]})", R"({"a": {"0": 1}})")) ==
        std::vector<std::string>{R"(type_changed /a [1] {"0":1})"});
}

TEST_CASE("diff::diff_texts reports array length changes with the added or removed elements") {
  CHECK(described(changes_between("[1, 2, 3]", "[1, 2, 3, 4]")) ==
        std::vector<std::string>{"array_length_changed  3 4", "added /3  4"});
  CHECK(described(changes_between("[1, 2, 3]", "[1, 3]")) ==
        std::vector<std::string>{"array_length_changed  3 2", "removed /1 2 "});
  // One element inserted at the front is that, not every element changing.
  CHECK(described(changes_between(R"([{"id": 1}, {"id": 2}])", R"([{"id": 0}, {"id": 1}, {"id": 2}])")) ==
        std::vector<std::string>{"array_length_changed  2 3", R"(added /0  {"id":0})"});
  // Same length: elements pair by index.
  CHECK(described(changes_between("[1, 2]", "[2, 1]")) ==
        std::vector<std::string>{"value_changed /0 1 2", "value_changed /1 2 1"});
}

TEST_CASE("diff::diff_texts reports a key reorder apart, as a key order change only") {
  const auto changes = changes_between(R"({"a": 1, "b": {"x": 1, "y": 2}})", R"({"b": {"y": 2, "x": 1}, "a": 1})");
  CHECK(described(changes) == std::vector<std::string>{R"(key_order_changed  ["a","b"] ["b","a"])",
                                                       R"(key_order_changed /b ["x","y"] ["y","x"])"});
  // A member added in the middle is not a reorder of the others.
  CHECK(described(changes_between(R"({"a": 1, "b": 2})", R"({"a": 1, "c": 3, "b": 2})")) ==
        std::vector<std::string>{"added /c  3"});
}

TEST_CASE("diff::diff_texts escapes pointers and folds array indices into the pattern") {
  const auto changes = changes_between(R"({"a/b~c": [{"k": [0, {"v": 1}]}]})", R"({"a/b~c": [{"k": [0, {"v": 2}]}]})");
  REQUIRE(changes.size() == 1);
  CHECK(changes[0].pointer == "/a~1b~0c/0/k/1/v");
  CHECK(changes[0].pattern == "/a~1b~0c/*/k/*/v");
  // An object key made of digits is a key, not an index: it is not folded.
  const auto keyed = changes_between(R"({"2024": {"v": 1}})", R"({"2024": {"v": 2}})");
  REQUIRE(keyed.size() == 1);
  CHECK(keyed[0].pattern == "/2024/v");
}

TEST_CASE("diff::diff_texts walks deep nesting without recursion") {
  const std::size_t depth = 40'000;
  const std::string old_text = std::string(depth, '[') + "1" + std::string(depth, ']');
  const std::string new_text = std::string(depth, '[') + "2" + std::string(depth, ']');
  const auto changes = changes_between(old_text, new_text);
  REQUIRE(changes.size() == 1);
  CHECK(changes[0].pointer.size() == 2 * depth);  // "/0" per level
}

TEST_CASE("diff::diff_texts names the side that is not JSON") {
  auto bad_new = diff::diff_texts("{}", "{\"a\": }");
  REQUIRE_FALSE(bad_new.has_value());
  CHECK(bad_new.error().message.rfind("new: 1:7:", 0) == 0);
  auto bad_old = diff::diff_texts("[1,", "{}");
  REQUIRE_FALSE(bad_old.has_value());
  CHECK(bad_old.error().message.rfind("old: ", 0) == 0);
}

TEST_CASE("diff::owned_by_rules marks changes the normalize rules make equal") {
  const auto rules = profile("default");
  SECTION("a duration and a wall-clock time are owned; a row count is not") {
    const auto changes = changes_between(R"({"duration_ms": 5, "started_at": "2024-01-01T10:00:00Z", "rows": 1})",
                                         R"({"duration_ms": 7, "started_at": "2024-06-01T11:00:00Z", "rows": 2})",
                                         &rules);
    REQUIRE(changes.size() == 3);
    CHECK(changes[0].owned_by_rules);
    CHECK(changes[1].owned_by_rules);
    CHECK_FALSE(changes[2].owned_by_rules);
  }
  SECTION("a type change the rules do not cover is not owned") {
    const auto changes = changes_between(R"({"duration_ms": 5})", R"({"duration_ms": "5 ms"})", &rules);
    REQUIRE(changes.size() == 1);
    CHECK_FALSE(changes[0].owned_by_rules);
  }
  SECTION("nothing under an opaque key is owned") {
    const auto changes = changes_between(R"({"data": {"duration_ms": 1}})", R"({"data": {"duration_ms": 2}})", &rules);
    REQUIRE(changes.size() == 1);
    CHECK_FALSE(changes[0].owned_by_rules);
  }
  SECTION("added and removed members are never owned") {
    const auto changes = changes_between(R"({"a_ms": 1})", R"({"b_ms": 1})", &rules);
    REQUIRE(changes.size() == 2);
    CHECK_FALSE(changes[0].owned_by_rules);
    CHECK_FALSE(changes[1].owned_by_rules);
  }
  SECTION("zero keeping the type owns the value but not an integer becoming a number") {
    const auto current = profile("rocky-current");
    const auto changes = changes_between(R"({"compute_cost_per_run": 1, "estimated_monthly_savings": 3})",
                                         R"({"compute_cost_per_run": 2, "estimated_monthly_savings": 2.5})", &current);
    REQUIRE(changes.size() == 2);
    CHECK(changes[0].owned_by_rules);
    CHECK(changes[1].kind == ChangeKind::TypeChanged);
    CHECK_FALSE(changes[1].owned_by_rules);
  }
}

namespace {

// Checks decide_at against what normalize_text really wrote, on every
// value of `value` (recursion is fine on a small test document).
void check_decisions(const normalize::CompiledRules& rules, json::Value original, json::Value normalized,
                     std::vector<std::string>& path, bool in_object, bool in_opaque) {
  const diff::RuleDecision decision = diff::decide_at(rules, path, in_object, original);
  std::string where;
  for (const auto& token : path) where += "/" + token;
  INFO("at " << where);
  const bool opaque = in_opaque || decision.effect == diff::RuleEffect::Opaque;
  if (!in_opaque && decision.effect == diff::RuleEffect::Replaced) {
    CHECK(diff::compact_json(normalized) == decision.replacement);
    return;
  }
  if (original.is_object()) {
    for (const auto member : original.members()) {
      auto counterpart = normalized.find(member.key);
      REQUIRE(counterpart.has_value());
      path.emplace_back(member.key);
      check_decisions(rules, member.value, *counterpart, path, true, opaque);
      path.pop_back();
    }
  } else if (original.is_array()) {
    auto it = normalized.elements().begin();
    std::size_t index = 0;
    for (const auto element : original.elements()) {
      path.push_back(std::to_string(index++));
      check_decisions(rules, element, *it, path, false, opaque);
      ++it;
      path.pop_back();
    }
  } else {
    CHECK(diff::compact_json(normalized) == diff::compact_json(original));
  }
}

}  // namespace

TEST_CASE("diff::decide_at agrees with the normalizer on every value") {
  auto rules_source = normalize::rocky_current_profile();
  auto selector = [](std::string_view text) {
    auto parsed = normalize::Selector::parse(text);
    REQUIRE(parsed.has_value());
    return std::move(*parsed);
  };
  normalize::PathRule sentinel;
  sentinel.at = selector("/materializations/*/target");
  sentinel.action = normalize::Action::Sentinel;
  sentinel.value = "TARGET";
  rules_source.path_rules.push_back(sentinel);
  normalize::PathRule scrub;
  scrub.at = selector("/**/sql");
  scrub.action = normalize::Action::Scrub;
  scrub.pattern = "tmp_[0-9a-f]{4}";
  scrub.replacement = "tmp_X";
  rules_source.path_rules.push_back(scrub);
  normalize::PathRule opaque;
  opaque.at = selector("/raw");
  opaque.action = normalize::Action::Opaque;
  rules_source.path_rules.push_back(opaque);
  const auto rules = compiled(std::move(rules_source));

  const std::string input = R"({
    "run_id": "run-20240101-101010-001", "duration_ms": 12.5, "started_at": "2024-01-01T10:00:00Z",
    "compute_cost_per_run": 0.25, "rows": 7, "hostname": "box",
    "materializations": [{"target": "cat.sch.t", "sql": "select * from tmp_ab12", "duration_ms": 3,
                          "timestamp": {"nested": "2024-01-01"}, "last_value": "2024-01-01"}],
    "raw": {"duration_ms": 9, "started_at": "x"},
    "data": {"duration_ms": 9}
  })";
  auto normalized_text = normalize::normalize_text(input, rules);
  REQUIRE(normalized_text.has_value());
  json::Document original;
  json::Document normalized;
  REQUIRE_FALSE(json::Document::parse(input, original));
  REQUIRE_FALSE(json::Document::parse(*normalized_text, normalized));
  std::vector<std::string> path;
  check_decisions(rules, original.root(), normalized.root(), path, false, false);
}

namespace {

diff::TreeDiff tree_diff(const diff::MemoryTree& old_tree, const diff::MemoryTree& new_tree,
                         const normalize::CompiledRules* rules = nullptr) {
  diff::DiffOptions options;
  options.rules = rules;
  auto tree = diff::diff_trees(old_tree, new_tree, options);
  REQUIRE(tree.has_value());
  return std::move(*tree);
}

const diff::Cause* find_cause(const diff::Summary& summary, ChangeKind kind, std::string_view pattern) {
  for (const diff::Cause& cause : summary.causes) {
    if (cause.kind == kind && cause.pattern == pattern) return &cause;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("diff::diff_trees compares per file: same, changed, added, removed, unreadable") {
  diff::MemoryTree old_tree("old");
  diff::MemoryTree new_tree("new");
  old_tree.add("a/same.json", R"({"x": 1})");
  new_tree.add("a/same.json", R"({"x": 1})");
  old_tree.add("a/changed.json", R"({"x": 1})");
  new_tree.add("a/changed.json", R"({"x": 2})");
  old_tree.add("gone.json", "{}");
  new_tree.add("new.json", "{}");
  old_tree.add("layout.json", "{\"x\": 1}");
  new_tree.add("layout.json", "{\"x\":1}");
  old_tree.add("broken.json", "{}");
  new_tree.add("broken.json", "{\"x\": ");

  const diff::TreeDiff tree = tree_diff(old_tree, new_tree);
  std::vector<std::string> statuses;
  for (const diff::FileDiff& file : tree.files)
    statuses.push_back(file.path + " " + std::string(diff::file_status_name(file.status)));
  CHECK(statuses == std::vector<std::string>{"a/changed.json changed", "a/same.json same", "broken.json unreadable",
                                             "gone.json removed", "layout.json changed", "new.json added"});
  CHECK(tree.files[4].layout_only);
  REQUIRE(tree.files[2].error.has_value());
  CHECK(tree.files[2].error->message.rfind("new:broken.json:1:7:", 0) == 0);

  const diff::ReportOptions options;
  CHECK(diff::verdict(tree, options) == diff::Verdict::Trouble);
  const diff::Summary summary = diff::summarize(tree, options);
  CHECK(summary.files == 6);
  CHECK(summary.same == 1);
  CHECK(summary.changed == 2);
  CHECK(summary.added == 1);
  CHECK(summary.removed == 1);
  CHECK(summary.unreadable == 1);
}

TEST_CASE("diff::verdict is diff(1)'s: same, different") {
  diff::MemoryTree old_tree;
  diff::MemoryTree new_tree;
  old_tree.add("x.json", "[1]");
  new_tree.add("x.json", "[1]");
  CHECK(diff::verdict(tree_diff(old_tree, new_tree), {}) == diff::Verdict::Same);
  new_tree.add("x.json", "[1.0]");
  CHECK(diff::verdict(tree_diff(old_tree, new_tree), {}) == diff::Verdict::Different);
  new_tree.add("x.json", "[1]");
  new_tree.add("y.json", "[1]");
  CHECK(diff::verdict(tree_diff(old_tree, new_tree), {}) == diff::Verdict::Different);
}

TEST_CASE("diff::summarize groups changes by cause across files, indices folded") {
  diff::MemoryTree old_tree;
  diff::MemoryTree new_tree;
  for (int i = 0; i < 14; ++i) {
    const std::string name = "poc" + std::to_string(i) + "/run.json";
    old_tree.add(name, R"({"materializations": [{"name": "a"}, {"name": "b"}], "metrics": {"error_rate_pct": 0}})");
    // Every file gains `attempts` in both elements; three turn the rate into a number.
    new_tree.add(name, std::string(R"({"materializations": [{"name": "a", "attempts": 1}, {"name": "b", "attempts": 2}],)") +
                           (i < 3 ? R"( "metrics": {"error_rate_pct": 0.5}})" : R"( "metrics": {"error_rate_pct": 0}})"));
  }
  const diff::TreeDiff tree = tree_diff(old_tree, new_tree);
  const diff::Summary summary = diff::summarize(tree, {});
  CHECK(summary.changed == 14);
  REQUIRE(summary.causes.size() == 2);

  const diff::Cause* attempts = find_cause(summary, ChangeKind::Added, "/materializations/*/attempts");
  REQUIRE(attempts != nullptr);
  CHECK(attempts->files == 14);
  CHECK(attempts->occurrences == 28);
  CHECK(diff::describe_cause(*attempts) == "/materializations/*/attempts added in 14 files (28 times)");

  const diff::Cause* rate = find_cause(summary, ChangeKind::TypeChanged, "/metrics/error_rate_pct");
  REQUIRE(rate != nullptr);
  CHECK(rate->files == 3);
  CHECK(diff::describe_cause(*rate) == "/metrics/error_rate_pct integer \u2192 number in 3 files");
  // Most files first.
  CHECK(summary.causes[0].pattern == "/materializations/*/attempts");
}

TEST_CASE("diff::summarize hides rule-owned changes unless asked") {
  const auto rules = profile("default");
  diff::MemoryTree old_tree;
  diff::MemoryTree new_tree;
  old_tree.add("run.json", R"({"duration_ms": 5, "rows": 1})");
  new_tree.add("run.json", R"({"duration_ms": 9, "rows": 1})");
  const diff::TreeDiff tree = tree_diff(old_tree, new_tree, &rules);

  diff::ReportOptions hidden;
  const diff::Summary summary = diff::summarize(tree, hidden);
  CHECK(summary.hidden_changes == 1);
  CHECK(summary.same == 1);
  CHECK(summary.causes.empty());
  CHECK(diff::verdict(tree, hidden) == diff::Verdict::Same);
  CHECK(diff::render_text(tree, hidden).find("1 rule-owned change hidden (--all shows them)") != std::string::npos);

  diff::ReportOptions all;
  all.show_owned = true;
  CHECK(diff::verdict(tree, all) == diff::Verdict::Different);
  CHECK(diff::summarize(tree, all).changed == 1);
  CHECK(diff::render_text(tree, all).find("~ /duration_ms: 5 \u2192 9  (rule-owned)") != std::string::npos);
}

TEST_CASE("diff::render_text prints the summary before the per-file detail") {
  diff::MemoryTree old_tree;
  diff::MemoryTree new_tree;
  old_tree.add("a.json", R"({"a": 1, "b": 2, "list": [1], "t": 1})");
  new_tree.add("a.json", R"({"b": 2, "a": 1, "list": [1, 2], "t": "one"})");
  old_tree.add("old.json", "{}");
  const diff::TreeDiff tree = tree_diff(old_tree, new_tree);
  diff::ReportOptions options;
  options.old_label = "HEAD";
  options.new_label = "working tree";
  const std::string text = diff::render_text(tree, options);
  INFO(text);
  CHECK(text.rfind("HEAD \u2192 working tree: 1 changed, 0 added, 1 removed, 0 same (2 files)\n", 0) == 0);
  const auto summary_line = text.find("  /list array length changed in 1 file\n");
  const auto header = text.find("\nchanged a.json\n");
  REQUIRE(summary_line != std::string::npos);
  REQUIRE(header != std::string::npos);
  CHECK(summary_line < header);
  CHECK(text.find("  \u2195 (root): key order [\"a\",\"b\",\"list\",\"t\"] \u2192 [\"b\",\"a\",\"list\",\"t\"]\n") !=
        std::string::npos);
  CHECK(text.find("  # /list: length 1 \u2192 2\n") != std::string::npos);
  CHECK(text.find("  + /list/1: 2\n") != std::string::npos);
  CHECK(text.find("  ! /t: integer \u2192 string: 1 \u2192 \"one\"\n") != std::string::npos);
  CHECK(text.find("\nremoved old.json\n") != std::string::npos);
  CHECK(text.find('\x1b') == std::string::npos);

  options.color = true;
  const std::string coloured = diff::render_text(tree, options);
  CHECK(coloured.find("\x1b[31mremoved old.json\x1b[0m") != std::string::npos);
}

TEST_CASE("diff::render_text cuts long values") {
  diff::MemoryTree old_tree;
  diff::MemoryTree new_tree;
  old_tree.add("a.json", R"({"s": "short"})");
  new_tree.add("a.json", "{\"s\": \"" + std::string(500, 'x') + "\"}");
  diff::ReportOptions options;
  options.max_value_width = 20;
  const std::string text = diff::render_text(tree_diff(old_tree, new_tree), options);
  CHECK(text.find("\"xxxxxxxxxxxxxxxxxxx\u2026\n") != std::string::npos);
}

TEST_CASE("diff::render_json is one JSON object with summary, causes and files") {
  diff::MemoryTree old_tree;
  diff::MemoryTree new_tree;
  old_tree.add("a.json", R"({"n": 1})");
  new_tree.add("a.json", R"({"n": 1.0})");
  new_tree.add("b.json", "{}");
  const auto report = nlohmann::json::parse(diff::render_json(tree_diff(old_tree, new_tree), {}));
  CHECK(report["verdict"] == "different");
  CHECK(report["summary"]["changed"] == 1);
  CHECK(report["summary"]["added"] == 1);
  REQUIRE(report["causes"].size() == 1);
  CHECK(report["causes"][0]["change"] == "type_changed");
  CHECK(report["causes"][0]["detail"] == "integer \u2192 number");
  REQUIRE(report["files"].size() == 2);
  CHECK(report["files"][0]["path"] == "a.json");
  CHECK(report["files"][0]["changes"][0]["old"] == "1");
  CHECK(report["files"][0]["changes"][0]["new"] == "1.0");
  CHECK(report["files"][0]["changes"][0]["new_type"] == "number");
  CHECK(report["files"][1]["status"] == "added");
}

TEST_CASE("diff::color_wanted honours the mode, the terminal and NO_COLOR") {
  using diff::ColorMode;
  CHECK(diff::color_wanted(ColorMode::Auto, true, nullptr));
  CHECK(diff::color_wanted(ColorMode::Auto, true, ""));  // set but empty: no-color.org says ignore
  CHECK_FALSE(diff::color_wanted(ColorMode::Auto, true, "1"));
  CHECK_FALSE(diff::color_wanted(ColorMode::Auto, false, nullptr));
  CHECK(diff::color_wanted(ColorMode::Always, false, "1"));
  CHECK_FALSE(diff::color_wanted(ColorMode::Never, true, nullptr));
}

TEST_CASE("diff::DirectoryTree lists captures by relative path, hidden files skipped") {
  test::ScratchDir old_dir;
  test::ScratchDir new_dir;
  std::filesystem::create_directories(old_dir.path() / "poc");
  std::filesystem::create_directories(new_dir.path() / "poc");
  test::write_text(old_dir.path() / "poc" / "run.json", R"({"rows": 1})");
  test::write_text(new_dir.path() / "poc" / "run.json", R"({"rows": 2})");
  test::write_text(new_dir.path() / "poc" / ".run.json.tmp.json", "garbage");
  test::write_text(new_dir.path() / "notes.txt", "not a capture");
  auto tree = diff::diff_trees(diff::DirectoryTree(old_dir.path()), diff::DirectoryTree(new_dir.path()));
  REQUIRE(tree.has_value());
  REQUIRE(tree->files.size() == 1);
  CHECK(tree->files[0].path == "poc/run.json");
  CHECK(tree->files[0].status == diff::FileStatus::Changed);
  CHECK(tree->files[0].new_name == (new_dir.path() / "poc" / "run.json").generic_string());

  auto missing = diff::DirectoryTree(old_dir.path() / "nope").list();
  CHECK_FALSE(missing.has_value());
  auto empty = diff::DirectoryTree(old_dir.path() / "nope", true).list();
  REQUIRE(empty.has_value());
  CHECK(empty->empty());
}

// ---- pending captures: review, accept, reject -------------------------------------

namespace {

std::filesystem::path make_pending_dir(const test::ScratchDir& scratch) {
  const auto root = scratch.path() / "fixtures_generated";
  std::filesystem::create_directories(root / "poc");
  std::filesystem::create_directories(root / ".hidden");
  test::write_text(root / "poc" / "a.json", R"({"rows": 1})");
  test::write_text(root / "poc" / "a.json.new", R"({"rows": 2})");
  test::write_text(root / "poc" / "b.json.new", R"({"new": true})");
  test::write_text(root / "poc" / "c.json", R"({"kept": 1})");
  test::write_text(root / ".hidden" / "x.json.new", "{}");
  test::write_text(root / "poc" / "notes.new", "not a capture");
  return root;
}

std::vector<diff::PendingCapture> found_pending(const std::filesystem::path& root) {
  auto found = diff::find_pending({root.string()});
  INFO((found ? std::string() : found.error().message));
  REQUIRE(found.has_value());
  return std::move(*found);
}

}  // namespace

TEST_CASE("diff::find_pending and select_pending name NAME.json.new files and filter by glob") {
  test::ScratchDir scratch;
  const auto root = make_pending_dir(scratch);
  const auto pending = found_pending(root);
  REQUIRE(pending.size() == 2);
  CHECK(pending[0].pending == (root / "poc" / "a.json.new").generic_string());
  CHECK(pending[0].target == (root / "poc" / "a.json").generic_string());
  CHECK(pending[0].name == "poc/a.json");
  CHECK(pending[1].name == "poc/b.json");

  auto by_name = diff::select_pending(pending, {"poc/a*"});
  REQUIRE(by_name.has_value());
  REQUIRE(by_name->size() == 1);
  CHECK(by_name->front().name == "poc/a.json");
  auto all = diff::select_pending(pending, {});
  REQUIRE(all.has_value());
  CHECK(all->size() == 2);
  auto none = diff::select_pending(pending, {"poc/a*", "nothing*"});
  REQUIRE_FALSE(none.has_value());
  CHECK(none.error().kind == ErrorKind::Config);
  CHECK(none.error().message == "no pending capture matches 'nothing*'");
  CHECK_FALSE(diff::find_pending({(root / "missing").string()}).has_value());
}

TEST_CASE("diff::CommittedSide and PendingSide pair each pending capture with its committed file") {
  test::ScratchDir scratch;
  const auto root = make_pending_dir(scratch);
  const auto pending = found_pending(root);
  auto tree = diff::diff_trees(diff::CommittedSide(pending), diff::PendingSide(pending));
  REQUIRE(tree.has_value());
  REQUIRE(tree->files.size() == 2);
  CHECK(tree->files[0].status == diff::FileStatus::Changed);
  CHECK(tree->files[0].new_name == (root / "poc" / "a.json.new").generic_string());
  CHECK(tree->files[1].status == diff::FileStatus::Added);  // b.json is not committed yet
}

TEST_CASE("diff::select_pending takes a path spelled ./DIR/... or absolute, as `find` and shells give them") {
  const std::vector<diff::PendingCapture> pending{{"fixtures/poc/a.json.new", "fixtures/poc/a.json", "poc/a.json"},
                                                  {"fixtures/poc/b.json.new", "fixtures/poc/b.json", "poc/b.json"}};
  const std::string absolute = (std::filesystem::current_path() / "fixtures/poc/a.json.new").generic_string();
  for (const std::string& glob : {std::string("./fixtures/poc/a.json.new"), std::string("./fixtures/poc/a*"), absolute,
                                  std::string("././fixtures/poc/a.json")}) {
    auto selected = diff::select_pending(pending, {glob});
    INFO(glob);
    REQUIRE(selected.has_value());
    REQUIRE(selected->size() == 1);
    CHECK(selected->front().name == "poc/a.json");
  }
  CHECK_FALSE(diff::select_pending(pending, {"./poc/c*"}).has_value());
}
