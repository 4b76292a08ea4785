// The normalizer's rules, one behaviour per test case. Expected outputs are
// written compactly and laid out by the (separately tested) Python writer.

#include "json_test_support.hpp"
#include "support.hpp"

#include <fixturegen/json/document.hpp>
#include <fixturegen/json/python_writer.hpp>
#include <fixturegen/json/reader.hpp>
#include <fixturegen/normalize/normalizer.hpp>
#include <fixturegen/normalize/rules.hpp>
#include <fixturegen/normalize/rule_accounting.hpp>
#include <fixturegen/normalize/selector.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <random>
#include <string>
#include <vector>

using namespace fixturegen;
using normalize::Action;
using normalize::NormalizeRules;
using normalize::PathRule;
using test::python_json;

namespace {

normalize::CompiledRules compiled(NormalizeRules rules) {
  auto result = normalize::compile_rules(std::move(rules));
  INFO((result ? std::string() : result.error().message));
  REQUIRE(result.has_value());
  return std::move(*result);
}

std::string normalized(std::string_view input, const NormalizeRules& rules) {
  const auto compiled_rules = compiled(rules);
  auto out = normalize::normalize_text(input, compiled_rules);
  INFO("input: " << test::shown(input) << (out ? std::string() : "\nerror: " + out.error().message));
  REQUIRE(out.has_value());
  return *out;
}

Error refused(std::string_view input, const NormalizeRules& rules) {
  const auto compiled_rules = compiled(rules);
  auto out = normalize::normalize_text(input, compiled_rules);
  INFO("input: " << test::shown(input));
  REQUIRE_FALSE(out.has_value());
  return out.error();
}

PathRule rule(std::string_view at, Action action) {
  auto selector = normalize::Selector::parse(at);
  REQUIRE(selector.has_value());
  PathRule r;
  r.at = std::move(*selector);
  r.action = action;
  return r;
}

PathRule sentinel_rule(std::string_view at, std::string value) {
  PathRule r = rule(at, Action::Sentinel);
  r.value = std::move(value);
  return r;
}

PathRule scrub_rule(std::string_view at, std::string pattern, std::string replacement) {
  PathRule r = rule(at, Action::Scrub);
  r.pattern = std::move(pattern);
  r.replacement = std::move(replacement);
  return r;
}

PathRule sort_rule(std::string_view at, std::string by) {
  PathRule r = rule(at, Action::Sort);
  r.by = std::move(by);
  return r;
}

NormalizeRules no_rules() { return NormalizeRules{}; }

NormalizeRules with_paths(std::vector<PathRule> rules) {
  NormalizeRules r;
  r.path_rules = std::move(rules);
  return r;
}

}  // namespace

TEST_CASE("normalize::normalize_text without rules only re-lays the document out") {
  CHECK(normalized(R"({"b":1,"a":[1.50,"\u00e9",null,true,{}],"duration_ms":12})", no_rules()) ==
        python_json(R"({"b": 1, "a": [1.5, "\u00e9", null, true, {}], "duration_ms": 12})"));
  CHECK(normalized("[]", no_rules()) == "[]\n");
  CHECK(normalized("\"x\"", no_rules()) == "\"x\"\n");
}

TEST_CASE("normalize::zero suffixes: any number becomes the integer 0") {
  NormalizeRules rules;
  rules.zero_suffixes = {"_ms", "_seconds", "_secs"};
  CHECK(normalized(R"({"duration_ms": 1234, "wait_seconds": 1.5, "x_secs": -3, "big_ms": 123456789012345678901234567890,
                       "tiny_ms": 1e-300, "neg_ms": -0.0, "_ms": 7})",
                   rules) ==
        python_json(R"({"duration_ms": 0, "wait_seconds": 0, "x_secs": 0, "big_ms": 0, "tiny_ms": 0, "neg_ms": 0, "_ms": 0})"));
  // Only a suffix counts; case matters.
  CHECK(normalized(R"({"ms_total": 5, "duration_msx": 6, "duration_MS": 7, "ms": 8, "seconds": 9})", rules) ==
        python_json(R"({"ms_total": 5, "duration_msx": 6, "duration_MS": 7, "ms": 8, "seconds": 9})"));
  // The float 1.5 comes out as "0", not "0.0".
  CHECK(normalized(R"({"t_ms": 1.5})", rules) == "{\n  \"t_ms\": 0\n}\n");
}

TEST_CASE("normalize::zero_keep_type keys: 0.0 for floats, 0 for integers") {
  NormalizeRules rules;
  rules.zero_keep_type_keys = {"compute_cost_per_run", "estimated_monthly_savings"};
  CHECK(normalized(R"({"compute_cost_per_run": 0.0123, "estimated_monthly_savings": 42, "other": 3.5})", rules) ==
        "{\n  \"compute_cost_per_run\": 0.0,\n  \"estimated_monthly_savings\": 0,\n  \"other\": 3.5\n}\n");
  CHECK(normalized(R"({"compute_cost_per_run": 1e300, "estimated_monthly_savings": -99999999999999999999999})", rules) ==
        "{\n  \"compute_cost_per_run\": 0.0,\n  \"estimated_monthly_savings\": 0\n}\n");
  // Exact key names, not suffixes.
  CHECK(normalized(R"({"my_compute_cost_per_run": 1.5})", rules) == python_json(R"({"my_compute_cost_per_run": 1.5})"));
}

TEST_CASE("normalize::booleans and nulls are never numbers, strings never numbers") {
  NormalizeRules rules;
  rules.zero_suffixes = {"_ms"};
  rules.zero_keep_type_keys = {"cost"};
  rules.wall_clock_keys = {"started_at"};
  rules.string_sentinels = {{"run_id", "run-SENTINEL"}};
  const std::string input =
      R"({"a_ms": true, "b_ms": false, "c_ms": null, "d_ms": "12", "cost": true, "started_at": false,
          "run_id": null, "e_ms": [1, 2.5], "f_ms": {"g": 3}})";
  // Nothing here has the type its rule wants: everything is kept (arrays
  // and objects under a numeric key are entered, their items unnamed).
  CHECK(normalized(input, rules) == python_json(input));
}

TEST_CASE("normalize::wall-clock keys become the sentinel") {
  NormalizeRules rules;
  rules.wall_clock_keys = {"started_at", "finished_at", "timestamp"};
  CHECK(normalized(R"({"started_at": "2026-04-07T10:11:12.123456Z", "finished_at": "", "timestamp": "yesterday"})", rules) ==
        python_json(R"({"started_at": "2000-01-01T00:00:00Z", "finished_at": "2000-01-01T00:00:00Z", "timestamp": "2000-01-01T00:00:00Z"})"));
  // The sentinel is configuration.
  rules.wall_clock_sentinel = "WALL-CLOCK \xC3\xA9";
  CHECK(normalized(R"({"started_at": "x"})", rules) == "{\n  \"started_at\": \"WALL-CLOCK \\u00e9\"\n}\n");
  // Numbers and nulls under a wall-clock key are not strings: kept.
  CHECK(normalized(R"({"timestamp": 1712345678, "started_at": null})", rules) ==
        python_json(R"({"timestamp": 1712345678, "started_at": null})"));
}

TEST_CASE("normalize::a key is matched only with the right value type: containers are entered") {
  NormalizeRules rules;
  rules.zero_suffixes = {"_ms"};
  rules.wall_clock_keys = {"timestamp", "started_at"};
  rules.string_sentinels = {{"run_id", "run-SENTINEL"}};
  // "timestamp" holds an object: descended into, its members normalized.
  CHECK(normalized(R"({"timestamp": {"started_at": "2026", "took_ms": 5, "zone": "UTC"},
                       "run_id": ["abc", {"run_id": "def"}], "total_ms": {"inner_ms": 3, "n": 1}})",
                   rules) ==
        python_json(R"({"timestamp": {"started_at": "2000-01-01T00:00:00Z", "took_ms": 0, "zone": "UTC"},
                        "run_id": ["abc", {"run_id": "run-SENTINEL"}], "total_ms": {"inner_ms": 0, "n": 1}})"));
}

TEST_CASE("normalize::string sentinels per key") {
  const NormalizeRules rules = normalize::rocky_current_profile();
  CHECK(normalized(R"({"run_id": "run-1234", "hostname": "ci-7", "git_commit": "abc", "git_branch": "main",
                       "triggering_identity": "me", "rocky_version": "1.2.3", "target_catalog": "cat",
                       "version": "9", "env_hash": "ff", "name": "kept"})",
                   rules) ==
        python_json(R"({"run_id": "run-SENTINEL", "hostname": "host-SENTINEL", "git_commit": "sha-SENTINEL",
                        "git_branch": "branch-SENTINEL", "triggering_identity": "user-SENTINEL",
                        "rocky_version": "0.0.0-SENTINEL", "target_catalog": "catalog-SENTINEL",
                        "version": "0.0.0-SENTINEL", "env_hash": "envhash-SENTINEL", "name": "kept"})"));
  // A sentinel only replaces strings.
  CHECK(normalized(R"({"version": 3, "run_id": 7})", rules) == python_json(R"({"version": 3, "run_id": 7})"));
}

TEST_CASE("normalize::rules apply recursively through objects and arrays") {
  const NormalizeRules rules = normalize::rocky_current_profile();
  CHECK(normalized(R"([{"a": [[{"duration_ms": 5, "started_at": "x"}]], "b": {"c": {"d": {"run_id": "r"}}}},
                       [{"elapsed_secs": 2.5}], {"list": [1, {"compute_cost_per_run": 0.5}]}])",
                   rules) ==
        python_json(R"([{"a": [[{"duration_ms": 0, "started_at": "2000-01-01T00:00:00Z"}]], "b": {"c": {"d": {"run_id": "run-SENTINEL"}}}},
                        [{"elapsed_secs": 0}], {"list": [1, {"compute_cost_per_run": 0.0}]}])"));
  // Items of an array are unnamed: a top-level array of numbers is kept.
  CHECK(normalized("[1, 2.5, \"2026-01-01\"]", rules) == python_json("[1, 2.5, \"2026-01-01\"]"));
}

TEST_CASE("normalize::preserve keys: the value is kept, a container is still entered") {
  NormalizeRules rules;
  rules.zero_suffixes = {"_ms"};
  rules.wall_clock_keys = {"last_value", "started_at"};
  rules.preserve_keys = {"last_value", "keep_ms"};
  // Preserve beats the wall-clock and suffix rules on the same key...
  CHECK(normalized(R"({"last_value": "2026-04-07", "keep_ms": 12, "other_ms": 12})", rules) ==
        python_json(R"({"last_value": "2026-04-07", "keep_ms": 12, "other_ms": 0})"));
  // ... but a preserved container is entered and its members normalized.
  CHECK(normalized(R"({"last_value": {"started_at": "2026", "x_ms": 4, "last_value": "v"}, "keep_ms": [{"y_ms": 1}]})", rules) ==
        python_json(R"({"last_value": {"started_at": "2000-01-01T00:00:00Z", "x_ms": 0, "last_value": "v"}, "keep_ms": [{"y_ms": 0}]})"));
}

TEST_CASE("normalize::opaque keys: nothing at or below is touched, not even by path rules") {
  NormalizeRules rules = normalize::default_profile();
  rules.string_sentinels = {{"run_id", "run-SENTINEL"}};
  rules.path_rules = {rule("/data/duration_ms", Action::Zero), rule("/**/secret", Action::Zero),
                      sentinel_rule("/data/rows/*/name", "NAME"), sort_rule("/data/rows", "")};
  const std::string data = R"({"duration_ms": 5, "started_at": "2026", "run_id": "r", "secret": 1,
                               "rows": [{"name": "b", "t_ms": 2}, {"name": "a"}], "last_value": "x"})";
  CHECK(normalized(R"({"data": )" + data + R"(, "run_id": "r", "secret": 9})", rules) ==
        python_json(R"({"data": )" + data + R"(, "run_id": "run-SENTINEL", "secret": 0})"));
  // An opaque scalar is just kept.
  CHECK(normalized(R"({"data": "2026", "n_ms": 1})", rules) == python_json(R"({"data": "2026", "n_ms": 0})"));
  // Inside an opaque value nothing is refused that the reader accepts.
  CHECK(normalized(R"({"data": [[], {}, [{"a": {}}]]})", rules) == python_json(R"({"data": [[], {}, [{"a": {}}]]})"));
  // Opaque beats preserve on the same key.
  rules.preserve_keys.push_back("data");
  CHECK(normalized(R"({"data": {"x_ms": 1}})", rules) == python_json(R"({"data": {"x_ms": 1}})"));
}

TEST_CASE("normalize::default profile: the documented contract") {
  const NormalizeRules rules = normalize::default_profile();
  CHECK(normalized(R"({"started_at": "a", "finished_at": "b", "updated_at": "c", "timestamp": "d", "captured_at": "e",
                       "created_at": "f", "watermark": "g", "last_value": "h", "run_id": "i", "duration_ms": 1.5,
                       "compute_cost_per_run": 2.5, "data": {"duration_ms": 3, "started_at": "j"}})",
                   rules) ==
        python_json(R"({"started_at": "2000-01-01T00:00:00Z", "finished_at": "2000-01-01T00:00:00Z",
                        "updated_at": "2000-01-01T00:00:00Z", "timestamp": "2000-01-01T00:00:00Z",
                        "captured_at": "2000-01-01T00:00:00Z", "created_at": "f", "watermark": "g", "last_value": "h",
                        "run_id": "i", "duration_ms": 0, "compute_cost_per_run": 2.5,
                        "data": {"duration_ms": 3, "started_at": "j"}})"));
}

TEST_CASE("normalize::rocky-current profile: what Rocky's pipeline does") {
  const NormalizeRules rules = normalize::rocky_current_profile();
  CHECK(normalized(R"({"created_at": "a", "watermark": "b", "last_value": "c", "captured_at": "d",
                       "data": {"duration_ms": 3, "started_at": "e"}, "compute_cost_per_run": 2.5,
                       "estimated_monthly_savings": 10, "x_seconds": 9.75})",
                   rules) ==
        python_json(R"({"created_at": "2000-01-01T00:00:00Z", "watermark": "2000-01-01T00:00:00Z",
                        "last_value": "2000-01-01T00:00:00Z", "captured_at": "2000-01-01T00:00:00Z",
                        "data": {"duration_ms": 0, "started_at": "2000-01-01T00:00:00Z"},
                        "compute_cost_per_run": 0.0, "estimated_monthly_savings": 0, "x_seconds": 0})"));
  // The two profiles and the lookup by name.
  CHECK(normalize::builtin_profile("default").has_value());
  CHECK(normalize::builtin_profile("rocky-current").has_value());
  CHECK_FALSE(normalize::builtin_profile("rocky").has_value());
  CHECK(normalize::builtin_profile_names() == std::vector<std::string_view>{"default", "rocky-current"});
}

TEST_CASE("normalize::path rule zero and zero_keep_type") {
  const NormalizeRules rules = with_paths({rule("/models/*/cost", Action::Zero), rule("/**/ratio", Action::ZeroKeepType)});
  CHECK(normalized(R"({"models": [{"cost": 1.5, "ratio": 0.25}, {"cost": 7, "ratio": 3}], "cost": 2.5,
                       "ratio": 9.5, "nested": {"deep": {"ratio": "text"}}})",
                   rules) ==
        python_json(R"({"models": [{"cost": 0, "ratio": 0.0}, {"cost": 0, "ratio": 0}], "cost": 2.5,
                        "ratio": 0.0, "nested": {"deep": {"ratio": "text"}}})"));
  // Array elements are addressed by index, and a path rule applies to
  // unnamed items (which key rules cannot reach).
  CHECK(normalized(R"({"samples": [1.5, 2.5, 3]})", with_paths({rule("/samples/*", Action::Zero)})) ==
        python_json(R"({"samples": [0, 0, 0]})"));
  CHECK(normalized(R"({"samples": [1.5, 2.5, 3]})", with_paths({rule("/samples/1", Action::Zero)})) ==
        python_json(R"({"samples": [1.5, 0, 3]})"));
  // The root itself.
  CHECK(normalized("12.5", with_paths({rule("", Action::ZeroKeepType)})) == "0.0\n");
  CHECK(normalized("true", with_paths({rule("", Action::Zero)})) == "true\n");
}

TEST_CASE("normalize::path rule wall_clock and sentinel") {
  // (A rules file's wall_clock action is a Sentinel with the wall-clock value.)
  const NormalizeRules rules =
      with_paths({sentinel_rule("/events/*/when", "2000-01-01T00:00:00Z"), sentinel_rule("/**/host", "HOST")});
  CHECK(normalized(R"({"events": [{"when": "2026-01-01", "host": "a"}, {"when": 5}], "when": "kept", "host": "b"})", rules) ==
        python_json(R"({"events": [{"when": "2000-01-01T00:00:00Z", "host": "HOST"}, {"when": 5}], "when": "kept", "host": "HOST"})"));
}

TEST_CASE("normalize::path rule preserve and opaque beat key rules") {
  NormalizeRules rules = normalize::rocky_current_profile();
  rules.path_rules = {rule("/keep/started_at", Action::Preserve), rule("/raw", Action::Opaque),
                      rule("/keep/inner", Action::Preserve)};
  CHECK(normalized(R"({"keep": {"started_at": "2026", "finished_at": "2026", "inner": {"duration_ms": 5}},
                       "raw": {"started_at": "2026", "duration_ms": 5}, "started_at": "2026"})",
                   rules) ==
        python_json(R"({"keep": {"started_at": "2026", "finished_at": "2000-01-01T00:00:00Z", "inner": {"duration_ms": 0}},
                        "raw": {"started_at": "2026", "duration_ms": 5}, "started_at": "2000-01-01T00:00:00Z"})"));
  // The whole document can be opaque.
  rules.path_rules = {rule("", Action::Opaque)};
  CHECK(normalized(R"({"duration_ms": 5})", rules) == python_json(R"({"duration_ms": 5})"));
}

TEST_CASE("normalize::path rules are consulted first; one with the wrong type falls through") {
  NormalizeRules rules = normalize::rocky_current_profile();
  rules.path_rules = {sentinel_rule("/a/duration_ms", "S"), rule("/b/started_at", Action::Zero),
                      sentinel_rule("/c/started_at", "PATH WINS")};
  CHECK(normalized(R"({"a": {"duration_ms": 5}, "b": {"started_at": "x"}, "c": {"started_at": "y"}})", rules) ==
        python_json(R"({"a": {"duration_ms": 0}, "b": {"started_at": "2000-01-01T00:00:00Z"}, "c": {"started_at": "PATH WINS"}})"));
  // The first matching path rule wins.
  rules.path_rules = {sentinel_rule("/x", "first"), sentinel_rule("/x", "second")};
  CHECK(normalized(R"({"x": "v"})", rules) == python_json(R"({"x": "first"})"));
}

TEST_CASE("normalize::path rule scrub replaces inside strings") {
  const NormalizeRules rules = with_paths({scrub_rule("/**/sql", "tmp_[0-9a-f]{8}", "tmp_X"),
                                           scrub_rule("/path", "^/home/([a-z]+)/", "~$1/"),
                                           scrub_rule("/uni", "\xC3\xA9+", "E")});
  CHECK(normalized(R"({"q": {"sql": "select * from tmp_0badf00d join tmp_12345678 on tmp_1"},
                       "path": "/home/alice/x/home/bob/", "uni": "caf\u00e9\u00e9 \u00e9", "sql": 5})",
                   rules) ==
        python_json(R"({"q": {"sql": "select * from tmp_X join tmp_X on tmp_1"},
                        "path": "~alice/x/home/bob/", "uni": "cafE E", "sql": 5})"));
  // A replacement much longer than the input (the output buffer grows).
  const NormalizeRules growing = with_paths({scrub_rule("/s", "a", std::string(500, 'b'))});
  CHECK(normalized(R"({"s": "aaaa"})", growing) == "{\n  \"s\": \"" + std::string(2000, 'b') + "\"\n}\n");
  // A replacement that refers to a group the pattern lacks: an error, not a crash.
  const Error error = refused(R"({"s": "abc"})", with_paths({scrub_rule("/s", "b", "$7")}));
  CHECK_THAT(error.message, Catch::Contains("scrub rule at \"/s\" failed"));
  CHECK_THAT(error.message, Catch::StartsWith("1:"));
}

TEST_CASE("normalize::scrub decides long strings, and says when it cannot (issue 6.2)") {
  // A repeated group over a long string overflowed the JIT's default stack.
  const NormalizeRules rules = with_paths({scrub_rule("/s", "^(a|b)*$", "ab")});
  CHECK(normalized(R"({"s": ")" + std::string(5'000, 'a') + "\"}", rules) == "{\n  \"s\": \"ab\"\n}\n");
  // Catastrophic backtracking: neither "matched" nor "left alone" is true,
  // so the file is refused with a config error, not written half-scrubbed.
  const NormalizeRules costly = with_paths({scrub_rule("/s", "(a+)+$", "x")});
  const auto result = normalize::normalize_text(R"({"s": ")" + std::string(40, 'a') + "b\"}", compiled(costly));
  REQUIRE_FALSE(result.has_value());
  CHECK(result.error().kind == ErrorKind::Config);
  CHECK_THAT(result.error().message, Catch::StartsWith("1:") && Catch::Contains("cannot be decided"));
}

TEST_CASE("normalize::compile_rules refuses a bad scrub pattern") {
  NormalizeRules rules = with_paths({scrub_rule("/s", "(unclosed", "x")});
  rules.source = "my-rules.toml";
  auto result = normalize::compile_rules(rules);
  REQUIRE_FALSE(result.has_value());
  CHECK(result.error().code() == ExitCode::UsageError);
  CHECK_THAT(result.error().message, Catch::Contains("my-rules.toml") && Catch::Contains("invalid pattern \"(unclosed\""));
}

TEST_CASE("normalize::path rule sort orders an array by a member") {
  const NormalizeRules rules = with_paths({sort_rule("/models", "name")});
  CHECK(normalized(R"({"models": [{"name": "c", "n": 1}, {"name": "a", "n": 2}, {"n": 3}, {"name": "b"}]})", rules) ==
        python_json(R"({"models": [{"n": 3}, {"name": "a", "n": 2}, {"name": "b"}, {"name": "c", "n": 1}]})"));
  // Numbers by value (not text), integers and floats together.
  CHECK(normalized(R"({"models": [{"name": 10}, {"name": 9.5}, {"name": -1}, {"name": 100000000000000000000}]})", rules) ==
        python_json(R"({"models": [{"name": -1}, {"name": 9.5}, {"name": 10}, {"name": 100000000000000000000}]})"));
  // Kinds in a fixed order: null, booleans, numbers, strings, arrays, objects.
  CHECK(normalized(R"({"models": [{"name": {}}, {"name": []}, {"name": "s"}, {"name": 1}, {"name": true}, {"name": false}, {"name": null}]})", rules) ==
        python_json(R"({"models": [{"name": null}, {"name": false}, {"name": true}, {"name": 1}, {"name": "s"}, {"name": []}, {"name": {}}]})"));
  // by = "": the elements themselves.
  CHECK(normalized(R"(["b", "a", "c", "a"])", with_paths({sort_rule("", "")})) == python_json(R"(["a", "a", "b", "c"])"));
  CHECK(normalized("[3, 1.5, 2, -7]", with_paths({sort_rule("", "")})) == python_json("[-7, 1.5, 2, 3]"));
  // Only arrays are sorted.
  CHECK(normalized(R"({"models": {"b": 1, "a": 2}})", rules) == python_json(R"({"models": {"b": 1, "a": 2}})"));
  // Nested sorted arrays, and empty ones.
  const NormalizeRules nested = with_paths({sort_rule("/*", "k"), sort_rule("/*/*/v", "")});
  CHECK(normalized(R"([[{"k": 2, "v": [3, 1, 2]}, {"k": 1, "v": []}], []])", nested) ==
        python_json(R"([[{"k": 1, "v": []}, {"k": 2, "v": [1, 2, 3]}], []])"));
}

TEST_CASE("normalize::sort output does not depend on input order") {
  // Ties on the sort member are broken by the whole element's text, and the
  // elements are normalized before they are compared: two captures that
  // differ only in order and in durations give the same bytes.
  NormalizeRules rules = normalize::rocky_current_profile();
  rules.path_rules = {sort_rule("/materializations", "asset")};
  std::vector<std::string> elements = {
      R"({"asset": "orders", "duration_ms": 17, "rows": 3})",
      R"({"asset": "orders", "duration_ms": 4, "rows": 1})",
      R"({"asset": "orders", "duration_ms": 99, "rows": 2, "extra": [1, {"z": null}]})",
      R"({"asset": "customers", "duration_ms": 5, "started_at": "2026-01-01"})",
      R"({"rows": 0})",
      R"({"asset": "zeta", "rows": {"nested": true}})",
      R"({"asset": "orders", "duration_ms": 1.5, "rows": 1})",
  };
  std::string first;
  std::mt19937 random(7);
  for (int round = 0; round < 30; ++round) {
    std::shuffle(elements.begin(), elements.end(), random);
    std::string input = R"({"materializations": [)";
    for (std::size_t i = 0; i < elements.size(); ++i) input += (i ? ", " : "") + elements[i];
    input += "]}";
    const std::string out = normalized(input, rules);
    if (round == 0) {
      first = out;
      // customers < orders (three rows tie on the asset) < zeta; missing first.
      CHECK(out.find("\"rows\": 0") < out.find("customers"));
      CHECK(out.find("customers") < out.find("orders"));
      CHECK(out.find("\"extra\"") < out.find("zeta"));
    }
    CHECK(out == first);
  }
}

TEST_CASE("normalize::normalize_text refuses bad captures with the position") {
  const NormalizeRules rules = normalize::rocky_current_profile();
  struct Case {
    std::string input;
    std::string start;
    std::string part;
  };
  const std::vector<Case> cases = {
      {"{\"a\": NaN}", "1:7: ", "NaN"},
      {"{\"duration_ms\": Infinity}", "1:17: ", "Infinity"},
      {"[\n  -Infinity\n]", "2:3: ", "-Infinity"},
      {"{\"a\": 1, \"a\": 2}", "1:10: ", "duplicate key \"a\""},
      {"", "1:1: ", "empty input"},
      {"   \n  ", "2:3: ", "white space"},
      {"{\"a\": [1, 2", "1:12: ", "truncated"},
      {"{} x", "1:4: ", "after the end"},
      {"\xEF\xBB\xBF{}", "1:1: ", "byte order mark"},
      {"{\"s\": \"\xC0\xAF\"}", "1:8: ", "invalid UTF-8"},
      {"{\"s\": \"\xED\xA0\x80\"}", "1:8: ", "invalid UTF-8"},
      {"{\"s\": \"\xE2\x82\"}", "1:8: ", "invalid UTF-8"},
      {"{\"n\": 012}", "1:7: ", "leading zeros"},
      {"{\"n\": 1e400}", "1:7: ", "too large"},
      {"{\"n\": 1e-400}", "1:7: ", "too small"},
      {"{\"s\": \"a\tb\"}", "1:9: ", "control character"},
      {"{\"s\": \"\\q\"}", "1:8: ", "invalid escape"},
  };
  for (const Case& c : cases) {
    const Error error = refused(c.input, rules);
    INFO("input: " << c.input << "\nerror: " << error.message);
    CHECK(error.code() == ExitCode::CheckFailed);
    CHECK_THAT(error.message, Catch::StartsWith(c.start) && Catch::Contains(c.part));
  }
}

TEST_CASE("normalize::deep nesting gives a result or a clear error, never a crash") {
  const normalize::CompiledRules rules = compiled(normalize::rocky_current_profile());
  const std::size_t depth = 100'000;
  std::string arrays = std::string(depth, '[') + std::string(depth, ']');
  std::string objects;
  for (std::size_t i = 0; i < depth; ++i) objects += "{\"a\":";
  objects += "{\"duration_ms\": 5}" + std::string(depth, '}');
  for (const std::string* text : {&arrays, &objects}) {
    // Written back with indent=2 this would be ~20 GB of spaces (and
    // Python refuses it: RecursionError): a refusal is the right answer.
    auto out = normalize::normalize_text(*text, rules);
    REQUIRE_FALSE(out.has_value());
    CHECK_THAT(out.error().message, Catch::StartsWith("1:") && Catch::Contains("nesting deeper than"));
  }
  // The normalizer's own limit is lower than the reader's default: 20,000
  // levels would already be ~800 MB of indentation.
  auto twenty_thousand = normalize::normalize_text(std::string(20'000, '[') + std::string(20'000, ']'), rules);
  REQUIRE_FALSE(twenty_thousand.has_value());
  CHECK_THAT(twenty_thousand.error().message, Catch::Contains("nesting deeper than 10000 levels"));
  // Depth Python itself can handle comes out exactly as Python writes it.
  const std::size_t moderate = 900;
  auto out = normalize::normalize_text(std::string(moderate, '[') + std::string(moderate, ']'), rules);
  REQUIRE(out.has_value());
  CHECK(*out == test::python_nested_arrays(moderate));
  std::string deep_object;
  for (std::size_t i = 0; i < moderate; ++i) deep_object += "{\"a\":";
  deep_object += "{\"duration_ms\": 5}" + std::string(moderate, '}');
  auto object_out = normalize::normalize_text(deep_object, rules);
  REQUIRE(object_out.has_value());
  CHECK(object_out->find("\"duration_ms\": 0") != std::string::npos);
  CHECK(object_out->find('5') == std::string::npos);
}

TEST_CASE("normalize::make_normalizer streams events to any handler") {
  const normalize::CompiledRules rules = compiled(normalize::rocky_current_profile());
  json::DocumentBuilder builder;
  const auto normalizer = normalize::make_normalizer(rules, builder);
  REQUIRE_FALSE(json::read_json(R"({"duration_ms": 5, "run_id": "x", "n": [1]})", *normalizer).has_value());
  const json::Document doc = builder.take();
  CHECK(json::to_python_json(doc.root()) == python_json(R"({"duration_ms": 0, "run_id": "run-SENTINEL", "n": [1]})"));

  // A scrub failure inside the stream stops the reader with the reason.
  NormalizeRules bad = with_paths({scrub_rule("/s", "b", "$9")});
  const normalize::CompiledRules bad_rules = compiled(bad);
  json::DocumentBuilder sink;
  const auto failing = normalize::make_normalizer(bad_rules, sink);
  const auto error = json::read_json(R"({"s": "abc"})", *failing);
  REQUIRE(error.has_value());
  CHECK_THAT(error->message, Catch::Contains("scrub rule"));
}

TEST_CASE("normalize::normalize_text is idempotent and layout-independent") {
  const normalize::CompiledRules rules = compiled(normalize::rocky_current_profile());
  const auto dir = test::test_data_dir() / "python_dump";
  REQUIRE(std::filesystem::is_directory(dir));
  std::size_t checked = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (!name.ends_with(".input.json")) continue;
    INFO(entry.path());
    auto once = normalize::normalize_text(test::read_text(entry.path()), rules);
    REQUIRE(once.has_value());
    auto twice = normalize::normalize_text(*once, rules);
    REQUIRE(twice.has_value());
    CHECK(*twice == *once);
    // The Python-laid-out version of the same document normalizes the same.
    const std::string expected_name = name.substr(0, name.size() - std::string(".input.json").size()) + ".expected.json";
    auto from_python = normalize::normalize_text(test::read_text(dir / expected_name), rules);
    REQUIRE(from_python.has_value());
    CHECK(*from_python == *once);
    ++checked;
  }
  CHECK(checked == 19);
}

TEST_CASE("normalize::RuleFirings counts each rule where it fires") {
  NormalizeRules rules = normalize::default_profile();
  rules.string_sentinels = {{"run_id", "run-SENTINEL"}, {"never_there", "x"}};
  rules.path_rules.push_back({*normalize::Selector::parse("/checks"), Action::Sort, "", "", "", "name"});
  rules.path_rules.push_back({*normalize::Selector::parse("/checks/*/sql"), Action::Sentinel, "SQL", "", "", ""});
  const auto compiled_rules = compiled(rules);
  normalize::RuleFirings firings;
  firings.record_locations = true;
  const std::string input = R"({"run_id": "r1", "took_ms": 4, "a_ms": 5, "data": {"x_ms": 1}, "updated_at": 7,
      "checks": [{"name": "b", "sql": "select 2"}, {"name": "a", "sql": "select 1"}]})";
  auto out = normalize::normalize_text(input, compiled_rules, &firings);
  REQUIRE(out.has_value());
  CHECK(*out == normalized(input, rules));  // counting changes nothing

  std::map<std::string, std::uint64_t> by_name;
  for (const auto& count : normalize::count_rules(compiled_rules, firings)) by_name[count.rule] = count.fired;
  CHECK(by_name.at("zero_suffixes \"_ms\"") == 2);   // not x_ms: inside the opaque `data`
  CHECK(by_name.at("opaque_keys \"data\"") == 1);
  CHECK(by_name.at("wall_clock_keys \"updated_at\"") == 0);  // a number: the key rule needs a string
  CHECK(by_name.at("string_sentinels.run_id") == 1);
  CHECK(by_name.at("[[rule]] 1 at \"/checks\" (sort)") == 1);
  CHECK(by_name.at("[[rule]] 2 at \"/checks/*/sql\" (sentinel)") == 2);
  CHECK(compiled_rules.rule_replaces(compiled_rules.zero_suffix_rule("took_ms")));

  const auto dead = normalize::dead_rules(compiled_rules, firings);
  CHECK(std::find(dead.begin(), dead.end(), "string_sentinels.never_there") != dead.end());
  CHECK(std::find(dead.begin(), dead.end(), "string_sentinels.run_id") == dead.end());
  CHECK_THAT(normalize::render_rule_counts(compiled_rules, firings, true), Catch::Contains("DEAD"));
  CHECK_THAT(normalize::render_rule_counts(compiled_rules, firings, false), Catch::Contains("(not fired here)"));

  // Locations are the raw document's pointers (before the sort moved anything).
  std::vector<std::string> sql;
  for (const auto& location : firings.locations) {
    if (compiled_rules.rule_name(location.rule).find("sql") != std::string::npos) sql.push_back(location.pointer);
  }
  CHECK(sql == std::vector<std::string>{"/checks/0/sql", "/checks/1/sql"});

  // Counts add up over captures.
  normalize::RuleFirings twice;
  REQUIRE(normalize::normalize_text(input, compiled_rules, &twice).has_value());
  REQUIRE(normalize::normalize_text(input, compiled_rules, &twice).has_value());
  for (std::size_t id = 0; id < compiled_rules.rule_count(); ++id) CHECK(twice.counts[id] == 2 * firings.counts[id]);
  CHECK(twice.locations.empty());  // not asked for
}
