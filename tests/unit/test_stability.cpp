// fixturegen stability's pure half: value classes, the comparison of runs,
// rule proposals and the fragment they merge into. Runs are built by hand
// (raw stdout, normalized with real rules), so every expectation below can
// fail on a wrong class, a wrong pointer or a rule that does not parse.

#include <fixturegen/normalize/normalizer.hpp>
#include <fixturegen/normalize/rules.hpp>
#include <fixturegen/normalize/rules_file.hpp>
#include <fixturegen/regen/preflight.hpp>
#include <fixturegen/stability/analysis.hpp>
#include <fixturegen/stability/report.hpp>
#include <fixturegen/stability/rule_proposal.hpp>
#include <fixturegen/stability/value_class.hpp>
#include <fixturegen/stability/variation.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

using namespace fixturegen;
using stability::ValueClass;

namespace {

stability::ClassifyContext context() {
  stability::ClassifyContext c;
  c.host_names = {"buildbox-7"};
  c.temp_roots = {"/var/tmp/fixturegen-stability-Ab12Cd"};
  c.engine_versions = {"1.74.2"};
  return c;
}

normalize::CompiledRules compiled(const normalize::NormalizeRules& rules) {
  auto result = normalize::compile_rules(rules);
  REQUIRE(result.has_value());
  return std::move(*result);
}

// A run from raw stdouts: normalized with `rules`, firings recorded with
// their locations, as the runner records them.
stability::StabilityRun make_run(const std::map<std::string, std::string>& raw, const normalize::CompiledRules& rules,
                                 std::string label) {
  stability::StabilityRun run;
  run.label = std::move(label);
  run.firings.record_locations = true;
  for (const auto& [file, text] : raw) {
    const std::size_t before = run.firings.locations.size();
    auto normalized = normalize::normalize_text(text, rules, &run.firings);
    REQUIRE(normalized.has_value());
    for (std::size_t i = before; i < run.firings.locations.size(); ++i) run.firings.locations[i].file = file;
    run.captures[file] = {text, *normalized};
  }
  return run;
}

const stability::Finding* find(const stability::Analysis& analysis, std::string_view key, ValueClass value_class) {
  for (const auto& finding : analysis.findings) {
    if (finding.key == key && finding.value_class == value_class) return &finding;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("stability::classify_string timestamps and dates") {
  const auto c = context();
  CHECK(stability::classify_string("2026-11-29T01:35:21.123456Z", "at", c) == ValueClass::Timestamp);
  CHECK(stability::classify_string("2026-11-29T07:05:21+05:30", "", c) == ValueClass::Timestamp);
  CHECK(stability::classify_string("2026-11-29 01:35", "", c) == ValueClass::Timestamp);
  CHECK(stability::classify_string("2026-11-29", "", c) == ValueClass::Date);
  CHECK(stability::classify_string("2026-13-29", "", c) == ValueClass::Other);      // no 13th month
  CHECK(stability::classify_string("2026-11-29T25", "", c) == ValueClass::Other);
  CHECK_FALSE(stability::is_iso_timestamp("2026-11-29T01:35:21Zjunk"));
}

TEST_CASE("stability::classify_string run ids, uuids, versions, digests") {
  const auto c = context();
  CHECK(stability::classify_string("run-20261129-013521-123", "run_id", c) == ValueClass::RunId);
  CHECK(stability::run_id_prefix("plan_x-20261129-013521-0042") == "plan_x");
  CHECK(stability::run_id_prefix("20261129-013521-123").empty());          // no prefix
  CHECK(stability::run_id_prefix("run-2026112-013521-123").empty());       // 7-digit date
  CHECK(stability::classify_string("123e4567-e89b-12d3-a456-426614174000", "", c) == ValueClass::Uuid);
  CHECK(stability::classify_string("1.74.2", "", c) == ValueClass::Semver);
  CHECK(stability::classify_string("v0.1.0-rc.1+g1234abc", "", c) == ValueClass::Semver);
  CHECK(stability::classify_string("1.74", "", c) == ValueClass::Other);
  CHECK(stability::classify_string("4f2a9c1", "git_commit", c) == ValueClass::HexDigest);
  CHECK(stability::classify_string("sha256:" + std::string(64, 'a'), "", c) == ValueClass::HexDigest);
  CHECK(stability::classify_string("1234567", "", c) == ValueClass::Other);  // a count, not a digest
  CHECK(stability::version_numbers_in("rocky-double 0.1.0 (test double of rocky)") == std::vector<std::string>{"0.1.0"});
  CHECK(stability::version_numbers_in("rocky v1.74.2, built 2026") == std::vector<std::string>{"1.74.2"});
}

TEST_CASE("stability::classify_string host names and temp paths") {
  const auto c = context();
  CHECK(stability::classify_string("buildbox-7", "", c) == ValueClass::HostName);        // this machine
  CHECK(stability::classify_string("buildbox-7.corp.example", "", c) == ValueClass::HostName);
  CHECK(stability::classify_string("ci-runner-12", "hostname", c) == ValueClass::HostName);  // a *host* key
  CHECK(stability::classify_string("ci-runner-12", "name", c) == ValueClass::Other);
  CHECK(stability::classify_string("/var/tmp/fixturegen-stability-Ab12Cd/fixturegen-x/poc/a.db", "path", c) ==
        ValueClass::TempPath);
  CHECK(stability::classify_string("/tmp/rocky-1234/state", "", c) == ValueClass::TempPath);
  CHECK(stability::classify_string("orders", "", c) == ValueClass::Other);
}

TEST_CASE("stability::variation_for varies every later run, not the first") {
  const auto first = stability::variation_for(0);
  CHECK(first.env.empty());
  CHECK(first.clock_offset_seconds == 0);
  const auto second = stability::variation_for(1);
  const auto third = stability::variation_for(2);
  CHECK(second.clock_offset_seconds > 24 * 3600);  // the date moves too
  CHECK(third.clock_offset_seconds == 2 * second.clock_offset_seconds);
  std::map<std::string, std::string> env2(second.env.begin(), second.env.end());
  std::map<std::string, std::string> env3(third.env.begin(), third.env.end());
  CHECK(env2.at("TZ") != "UTC");
  CHECK(env2.at("TZ") != env3.at("TZ"));
  CHECK(env2.at("LC_ALL") != "C");
  CHECK(env2.at(stability::kClockOffsetVariable) == std::to_string(second.clock_offset_seconds));
}

TEST_CASE("stability::analyze_runs finds each class of moving field") {
  // Rules that zero *_ms but know nothing of the rest.
  normalize::NormalizeRules rules = normalize::default_profile();
  const auto compiled_rules = compiled(rules);
  const auto run1 = make_run(
      {{"a.json", R"({"run_id": "run-20261129-013521-123", "started": "2026-11-29T01:35:21Z", "elapsed": 12, "took_ms": 5,
                      "day": "2026-11-29", "request": "123e4567-e89b-12d3-a456-426614174000",
                      "commit": "4f2a9c1d", "host": "buildbox-7", "engine": "1.74.2",
                      "tmp": "/var/tmp/fixturegen-stability-Ab12Cd/x/poc/db",
                      "tables": [{"name": "a", "rows": 1}, {"name": "b", "rows": 2}],
                      "meta": {"x": 1, "y": 2}, "rows": 3})"},
       {"b.json", R"({"runs": [{"run_id": "run-20261129-013522-001"}]})"}},
      compiled_rules, "run 1");
  const auto run2 = make_run(
      {{"a.json", R"({"run_id": "run-20261130-045000-777", "started": "2026-11-30T04:50:00Z", "elapsed": 40, "took_ms": 9,
                      "day": "2026-11-30", "request": "9b2e4567-e89b-12d3-a456-426614174999",
                      "commit": "77aa21bc", "host": "buildbox-7", "engine": "1.74.2",
                      "tmp": "/var/tmp/other-Zz99/x/poc/db",
                      "tables": [{"name": "b", "rows": 2}, {"name": "a", "rows": 1}],
                      "meta": {"y": 2, "x": 1}, "rows": 3})"},
       {"b.json", R"({"runs": [{"run_id": "run-20261130-045001-002"}]})"}},
      compiled_rules, "run 2");
  auto analysis = stability::analyze_runs({run1, run2}, compiled_rules, context());
  REQUIRE(analysis.has_value());
  CHECK_FALSE(analysis->stable());

  const auto* run_id = find(*analysis, "run_id", ValueClass::RunId);
  REQUIRE(run_id != nullptr);
  CHECK(run_id->occurrences.size() == 2);  // both files, under one key
  CHECK(run_id->patterns == std::vector<std::string>{"/run_id", "/runs/*/run_id"});
  CHECK(run_id->key_unambiguous);
  CHECK(run_id->occurrences[0].values == std::vector<std::string>{"\"run-20261129-013521-123\"", "\"run-20261130-045000-777\""});

  CHECK(find(*analysis, "started", ValueClass::Timestamp) != nullptr);
  CHECK(find(*analysis, "elapsed", ValueClass::Duration) != nullptr);
  CHECK(find(*analysis, "took_ms", ValueClass::Duration) == nullptr);  // the rules own it
  CHECK(find(*analysis, "day", ValueClass::Date) != nullptr);
  CHECK(find(*analysis, "request", ValueClass::Uuid) != nullptr);
  CHECK(find(*analysis, "commit", ValueClass::HexDigest) != nullptr);
  CHECK(find(*analysis, "tmp", ValueClass::TempPath) != nullptr);
  CHECK(find(*analysis, "tables", ValueClass::ArrayOrder) != nullptr);
  CHECK(find(*analysis, "meta", ValueClass::KeyOrder) != nullptr);
  CHECK(find(*analysis, "rows", ValueClass::Other) == nullptr);  // the same in both runs

  // Equal in both runs, but this machine's host name and the engine's version.
  const auto* host = find(*analysis, "host", ValueClass::HostName);
  REQUIRE(host != nullptr);
  CHECK(host->kind == stability::FindingKind::MachineDependent);
  const auto* engine = find(*analysis, "engine", ValueClass::Semver);
  REQUIRE(engine != nullptr);
  CHECK(engine->kind == stability::FindingKind::MachineDependent);
  // No array element inside the reordered array is reported on its own.
  for (const auto& finding : analysis->findings) {
    for (const auto& occurrence : finding.occurrences) CHECK(occurrence.pointer.rfind("/tables/", 0) != 0);
  }
}

TEST_CASE("stability::analyze_runs reports structure apart and a stable pair as stable") {
  const auto compiled_rules = compiled(normalize::default_profile());
  const auto same1 = make_run({{"a.json", R"({"rows": 3, "took_ms": 1})"}}, compiled_rules, "run 1");
  const auto same2 = make_run({{"a.json", R"({"rows": 3, "took_ms": 99})"}}, compiled_rules, "run 2");
  auto stable = stability::analyze_runs({same1, same2}, compiled_rules, context());
  REQUIRE(stable.has_value());
  CHECK(stable->stable());
  CHECK(stable->captures == 1);

  const auto grown = make_run({{"a.json", R"({"rows": 3, "took_ms": 1, "extra": true})"}}, compiled_rules, "run 2");
  auto structure = stability::analyze_runs({same1, grown}, compiled_rules, context());
  REQUIRE(structure.has_value());
  REQUIRE(structure->findings.size() == 1);
  CHECK(structure->findings[0].kind == stability::FindingKind::Structure);
  CHECK(stability::propose_rule(structure->findings[0], normalize::default_profile()).placement == stability::Placement::None);

  CHECK_FALSE(stability::analyze_runs({same1}, compiled_rules, context()).has_value());
}

TEST_CASE("stability::analyze_runs makes an ambiguous key a path rule") {
  normalize::NormalizeRules rules = normalize::default_profile();
  const auto compiled_rules = compiled(rules);
  // `version` is the engine's version at the top, a schema number below.
  const auto run1 = make_run({{"a.json", R"({"version": "2.0.1", "schema": {"version": "1"}})"}}, compiled_rules, "run 1");
  const auto run2 = make_run({{"a.json", R"({"version": "2.0.2", "schema": {"version": "1"}})"}}, compiled_rules, "run 2");
  auto analysis = stability::analyze_runs({run1, run2}, compiled_rules, context());
  REQUIRE(analysis.has_value());
  const auto* version = find(*analysis, "version", ValueClass::Semver);
  REQUIRE(version != nullptr);
  CHECK_FALSE(version->key_unambiguous);
  CHECK(version->counterexample == "a.json#/schema/version: \"1\"");
  const auto proposal = stability::propose_rule(*version, rules);
  CHECK(proposal.placement == stability::Placement::AppendRule);
  CHECK(proposal.toml == "[[rule]]\nat = \"/version\"\naction = \"sentinel\"\nvalue = \"0.0.0-SENTINEL\"");
  CHECK_THAT(proposal.reason, Catch::Contains("also holds other values"));
}

TEST_CASE("stability::propose_rule per class") {
  normalize::NormalizeRules rules = normalize::default_profile();
  auto finding = [](ValueClass value_class, std::string key, json::Kind kind, std::string sample) {
    stability::Finding f;
    f.value_class = value_class;
    f.key = std::move(key);
    f.value_kind = kind;
    f.key_unambiguous = true;
    f.patterns = {"/x/*/" + f.key};
    f.occurrences.push_back({"a.json", "/x/0/" + f.key, {sample, sample}});
    return f;
  };
  using json::Kind;
  auto run_id = stability::propose_rule(finding(ValueClass::RunId, "run_id", Kind::String, "\"job-20261129-013521-123\""), rules);
  CHECK(run_id.placement == stability::Placement::StringSentinels);
  CHECK(run_id.toml == "run_id = \"job-SENTINEL\"");
  CHECK(stability::propose_rule(finding(ValueClass::HostName, "hostname", Kind::String, "\"vm\""), rules).toml ==
        "hostname = \"host-SENTINEL\"");
  CHECK(stability::propose_rule(finding(ValueClass::Semver, "rocky_version", Kind::String, "\"1.2.3\""), rules).toml ==
        "rocky_version = \"0.0.0-SENTINEL\"");
  CHECK(stability::propose_rule(finding(ValueClass::Uuid, "request id", Kind::String, "\"x\""), rules).toml ==
        "\"request id\" = \"00000000-0000-0000-0000-000000000000\"");
  CHECK(stability::propose_rule(finding(ValueClass::Date, "day", Kind::String, "\"2026-01-01\""), rules).toml ==
        "day = \"2000-01-01\"");
  CHECK(stability::propose_rule(finding(ValueClass::HexDigest, "commit", Kind::String, "\"abc1234\""), rules).toml ==
        "commit = \"sha-SENTINEL\"");

  const auto clock = stability::propose_rule(finding(ValueClass::Timestamp, "begun", Kind::String, "\"2026-01-01T00:00:00Z\""), rules);
  CHECK(clock.placement == stability::Placement::TopLevelList);
  CHECK(clock.toml ==
        "wall_clock_keys = [\"updated_at\", \"started_at\", \"finished_at\", \"timestamp\", \"captured_at\", \"begun\"]");
  const auto duration = stability::propose_rule(finding(ValueClass::Duration, "elapsed", Kind::Integer, "12"), rules);
  CHECK(duration.toml == "zero_keep_type_keys = [\"elapsed\"]");

  auto temp = finding(ValueClass::TempPath, "db", Kind::String, "\"/tmp/p/fixturegen-Ab12Cd/poc/x.db\"");
  const auto scrub = stability::propose_rule(temp, rules);
  CHECK(scrub.placement == stability::Placement::AppendRule);
  CHECK_THAT(scrub.toml, Catch::Contains("action = \"scrub\""));

  auto order = finding(ValueClass::ArrayOrder, "tables", Kind::Array, R"([{"name":"b","rows":2},{"name":"a","rows":2}])");
  CHECK(stability::propose_rule(order, rules).toml == "[[rule]]\nat = \"/x/*/tables\"\naction = \"sort\"\nby = \"name\"");
  auto scalars = finding(ValueClass::ArrayOrder, "ids", Kind::Array, "[3,1,2]");
  CHECK(stability::propose_rule(scalars, rules).toml == "[[rule]]\nat = \"/x/*/ids\"\naction = \"sort\"");

  auto keys = finding(ValueClass::KeyOrder, "meta", Kind::Object, "[\"x\",\"y\"]");
  CHECK(stability::propose_rule(keys, rules).placement == stability::Placement::None);

  auto array_element = finding(ValueClass::RunId, "", Kind::String, "\"run-20261129-013521-123\"");
  array_element.patterns = {"/ids/*"};
  CHECK(stability::propose_rule(array_element, rules).toml ==
        "[[rule]]\nat = \"/ids/*\"\naction = \"sentinel\"\nvalue = \"run-SENTINEL\"");
}

TEST_CASE("stability::render_rules_fragment pasted into the rules makes the runs stable") {
  // The round trip at library level: rules that miss the run id, a clock key
  // and an ordering; the fragment, pasted as docs/stability.md says, fixes all three.
  const std::string base = R"(zero_suffixes = ["_ms"]
wall_clock_keys = ["updated_at"]

[string_sentinels]
git_commit = "sha-SENTINEL"
)";
  auto rules = normalize::parse_rules_toml(base, "rules.toml");
  REQUIRE(rules.has_value());
  const auto compiled_rules = compiled(*rules);
  const std::string raw1 = R"({"run_id": "run-20261129-013521-123", "begun": "2026-11-29T01:35:21Z", "took_ms": 3,
      "checks": [{"name": "b"}, {"name": "a"}]})";
  const std::string raw2 = R"({"run_id": "run-20261130-045000-777", "begun": "2026-11-30T04:50:00Z", "took_ms": 8,
      "checks": [{"name": "a"}, {"name": "b"}]})";
  auto analysis = stability::analyze_runs({make_run({{"a.json", raw1}}, compiled_rules, "run 1"),
                                           make_run({{"a.json", raw2}}, compiled_rules, "run 2")},
                                          compiled_rules, context());
  REQUIRE(analysis.has_value());
  REQUIRE(analysis->findings.size() == 3);
  const auto report = stability::make_report(std::move(*analysis), {"run 1", "run 2"}, *rules);
  INFO(report.fragment);
  CHECK_THAT(stability::render_text(report), Catch::Contains("unstable: 3 finding(s)"));
  CHECK_THAT(stability::render_json(report), Catch::Contains("\"verdict\": \"unstable\""));

  // Paste: the list line replaces the file's, sentinels join the table, rules go at the end.
  std::string pasted;
  std::string section;
  std::vector<std::string> lists, sentinels, appended;
  std::size_t start = 0;
  while (start < report.fragment.size()) {
    const std::size_t end = report.fragment.find('\n', start);
    const std::string line = report.fragment.substr(start, end - start);
    start = end + 1;
    if (line.rfind("# top level", 0) == 0) section = "list";
    else if (line.rfind("# entries of the [string_sentinels]", 0) == 0) section = "sentinel";
    else if (line.rfind("# at the end", 0) == 0) section = "append";
    else (section == "list" ? lists : section == "sentinel" ? sentinels : appended).push_back(line);
  }
  REQUIRE(lists.size() == 1);
  CHECK(lists[0] == "wall_clock_keys = [\"updated_at\", \"begun\"]");
  pasted = "zero_suffixes = [\"_ms\"]\n" + lists[0] + "\n\n[string_sentinels]\ngit_commit = \"sha-SENTINEL\"\n";
  for (const auto& line : sentinels) pasted += line + "\n";
  for (const auto& line : appended) pasted += line + "\n";
  auto fixed_rules = normalize::parse_rules_toml(pasted, "pasted.toml");
  INFO(pasted);
  REQUIRE(fixed_rules.has_value());
  const auto fixed = compiled(*fixed_rules);
  auto again = stability::analyze_runs({make_run({{"a.json", raw1}}, fixed, "run 1"), make_run({{"a.json", raw2}}, fixed, "run 2")},
                                       fixed, context());
  REQUIRE(again.has_value());
  CHECK(again->stable());
}

TEST_CASE("stability::analyze_runs warns of a rule that only replaced values that never moved") {
  normalize::NormalizeRules rules = normalize::default_profile();
  rules.string_sentinels = {{"catalog", "catalog-SENTINEL"}, {"run_id", "run-SENTINEL"}};
  const auto compiled_rules = compiled(rules);
  const auto run1 = make_run({{"a.json", R"({"catalog": "prod", "run_id": "run-20261129-013521-123", "when": "x"})"}},
                             compiled_rules, "run 1");
  const auto run2 = make_run({{"a.json", R"({"catalog": "prod", "run_id": "run-20261130-045000-777", "when": "x"})"}},
                             compiled_rules, "run 2");
  auto analysis = stability::analyze_runs({run1, run2}, compiled_rules, context());
  REQUIRE(analysis.has_value());
  CHECK(analysis->stable());
  REQUIRE(analysis->quiet_rules.size() == 1);
  CHECK(analysis->quiet_rules[0].rule == "string_sentinels.catalog");
  CHECK(analysis->quiet_rules[0].locations == 1);
  CHECK(analysis->quiet_rules[0].samples[0].pointer == "/catalog");
  const auto report = stability::make_report(std::move(*analysis), {"run 1", "run 2"}, rules);
  CHECK_THAT(stability::render_text(report), Catch::Contains("may hide a real regression"));
}

TEST_CASE("stability::toml_key and toml_string quote what TOML needs") {
  CHECK(stability::toml_key("run_id") == "run_id");
  CHECK(stability::toml_key("a.b") == "\"a.b\"");
  CHECK(stability::toml_string("say \"hi\"\\") == "\"say \\\"hi\\\"\\\\\"");
  auto parsed = normalize::parse_rules_toml("[string_sentinels]\n" + stability::toml_key("we\"ird key") + " = " +
                                                stability::toml_string("a\tb"),
                                            "t.toml");
  REQUIRE(parsed.has_value());
  REQUIRE(parsed->string_sentinels.size() == 1);
  CHECK(parsed->string_sentinels[0].first == "we\"ird key");
  CHECK(parsed->string_sentinels[0].second == "a\tb");
}

TEST_CASE("stability::analyze_runs calls a capture it cannot read an internal error, never an unstable verdict") {
  // The runner only hands over JSON stdout and normalizer output: a sample
  // that does not parse is our bug, and must not exit 1 ("unstable").
  const auto compiled_rules = compiled(normalize::default_profile());
  const auto good = make_run({{"a.json", R"({"rows": 3})"}}, compiled_rules, "run 1");
  auto bad_normalized = good;
  bad_normalized.label = "run 2";
  bad_normalized.captures["a.json"].normalized = "{\"rows\": ";
  auto analysis = stability::analyze_runs({good, bad_normalized}, compiled_rules, context());
  REQUIRE_FALSE(analysis.has_value());
  CHECK(analysis.error().kind == fixturegen::ErrorKind::Internal);
  auto bad_raw = good;
  bad_raw.captures["a.json"].raw = "not json";
  auto raw_analysis = stability::analyze_runs({good, bad_raw}, compiled_rules, context());
  REQUIRE_FALSE(raw_analysis.has_value());
  CHECK(raw_analysis.error().kind == fixturegen::ErrorKind::Internal);
}

// Kept here rather than in test_regen_plan.cpp: it is stability's hook into
// the runner (RunOptions::varied_env).
TEST_CASE("regen::step_environment lets stability vary the pinned defaults only") {
  regen::ResolvedPlan plan;
  plan.path_env = "/usr/bin";
  plan.config.env = {{"LC_ALL", "en_US.UTF-8"}};  // the plan pins its locale itself
  regen::Step step;
  step.env = {{"RUST_LOG", "warn"}};
  const auto variation = stability::variation_for(1);
  const auto env = regen::step_environment(plan, step, "/s/home", "/s/tmp", variation.env);
  auto has = [&](const std::string& entry) { return std::find(env.begin(), env.end(), entry) != env.end(); };
  CHECK(has("TZ=Asia/Kolkata"));          // the pinned TZ=UTC, varied
  CHECK(has("LC_ALL=en_US.UTF-8"));       // the plan's own setting wins
  CHECK(has("LANG=C.UTF-8"));
  CHECK(has(std::string(stability::kClockOffsetVariable) + "=" + std::to_string(variation.clock_offset_seconds)));
  CHECK(has("RUST_LOG=warn"));
  CHECK(has("HOME=/s/home"));
  const auto plain = regen::step_environment(plan, step, "/s/home", "/s/tmp");
  CHECK(std::find(plain.begin(), plain.end(), "TZ=UTC") != plain.end());
}
