// Rules files (TOML): what they may say, and clear refusals with the file,
// the line and the column for everything else.

#include "support.hpp"

#include <fixturegen/normalize/normalizer.hpp>
#include <fixturegen/normalize/rules.hpp>
#include <fixturegen/normalize/rules_file.hpp>

#include <catch2/catch.hpp>

#include <string>

using namespace fixturegen;
using normalize::Action;
using normalize::NormalizeRules;

namespace {

NormalizeRules parsed(std::string_view text) {
  auto rules = normalize::parse_rules_toml(text, "rules.toml");
  INFO("rules file:\n" << text << (rules ? std::string() : "\nerror: " + rules.error().message));
  REQUIRE(rules.has_value());
  return std::move(*rules);
}

Error refused(std::string_view text) {
  auto rules = normalize::parse_rules_toml(text, "rules.toml");
  INFO("rules file:\n" << text);
  REQUIRE_FALSE(rules.has_value());
  CHECK(rules.error().code() == ExitCode::UsageError);
  return std::move(rules).error();
}

std::string apply(const NormalizeRules& rules, std::string_view input) {
  auto compiled = normalize::compile_rules(rules);
  REQUIRE(compiled.has_value());
  auto out = normalize::normalize_text(input, *compiled);
  REQUIRE(out.has_value());
  return *out;
}

}  // namespace

TEST_CASE("normalize::parse_rules_toml reads every setting") {
  const NormalizeRules rules = parsed(R"(
zero_suffixes = ["_ms", "_nanos"]
zero_keep_type_keys = ["cost"]
wall_clock_keys = ["at"]
wall_clock_sentinel = "1970-01-01T00:00:00Z"
preserve_keys = ["keep"]
opaque_keys = ["blob"]

[string_sentinels]
run_id = "run-X"
host = "host-X"

[[rule]]
at = "/models/*/sql"
action = "scrub"
pattern = "tmp_[0-9]+"
replacement = "tmp_N"

[[rule]]
at = "/models"
action = "sort"
by = "name"

[[rule]]
at = "/**/when"
action = "wall_clock"

[[rule]]
at = ""
action = "preserve"

[[rule]]
at = "/x"
action = "sentinel"
value = "X"

[[rule]]
at = "/a"
action = "zero"

[[rule]]
at = "/b"
action = "zero_keep_type"

[[rule]]
at = "/c"
action = "opaque"
)");
  CHECK(rules.source == "rules.toml");
  CHECK(rules.zero_suffixes == std::vector<std::string>{"_ms", "_nanos"});
  CHECK(rules.zero_keep_type_keys == std::vector<std::string>{"cost"});
  CHECK(rules.wall_clock_keys == std::vector<std::string>{"at"});
  CHECK(rules.wall_clock_sentinel == "1970-01-01T00:00:00Z");
  CHECK(rules.preserve_keys == std::vector<std::string>{"keep"});
  CHECK(rules.opaque_keys == std::vector<std::string>{"blob"});
  CHECK(rules.string_sentinels.size() == 2);
  REQUIRE(rules.path_rules.size() == 8);
  CHECK(rules.path_rules[0].at.text() == "/models/*/sql");
  CHECK(rules.path_rules[0].action == Action::Scrub);
  CHECK(rules.path_rules[0].pattern == "tmp_[0-9]+");
  CHECK(rules.path_rules[0].replacement == "tmp_N");
  CHECK(rules.path_rules[1].action == Action::Sort);
  CHECK(rules.path_rules[1].by == "name");
  // wall_clock is a sentinel rule carrying the configured wall-clock value.
  CHECK(rules.path_rules[2].action == Action::Sentinel);
  CHECK(rules.path_rules[2].value == "1970-01-01T00:00:00Z");
  CHECK(rules.path_rules[3].at.text().empty());
  CHECK(rules.path_rules[3].action == Action::Preserve);
  CHECK(rules.path_rules[4].value == "X");
  CHECK(rules.path_rules[5].action == Action::Zero);
  CHECK(rules.path_rules[6].action == Action::ZeroKeepType);
  CHECK(rules.path_rules[7].action == Action::Opaque);

  // And they do what they say.
  CHECK(apply(rules, R"({"t_nanos": 5, "at": "now", "run_id": "r", "host": "h", "cost": 1.5,
                        "models": [{"name": "b", "sql": "tmp_12"}, {"name": "a"}], "deep": {"when": "now"}})") ==
        "{\n  \"t_nanos\": 0,\n  \"at\": \"1970-01-01T00:00:00Z\",\n  \"run_id\": \"run-X\",\n  \"host\": \"host-X\",\n"
        "  \"cost\": 0.0,\n  \"models\": [\n    {\n      \"name\": \"a\"\n    },\n    {\n      \"name\": \"b\",\n"
        "      \"sql\": \"tmp_N\"\n    }\n  ],\n  \"deep\": {\n    \"when\": \"1970-01-01T00:00:00Z\"\n  }\n}\n");
}

TEST_CASE("normalize::parse_rules_toml: an empty file means no rules at all") {
  const NormalizeRules rules = parsed("");
  CHECK(rules.zero_suffixes.empty());
  CHECK(rules.wall_clock_keys.empty());
  CHECK(rules.path_rules.empty());
  CHECK(rules.wall_clock_sentinel == "2000-01-01T00:00:00Z");
  CHECK(apply(rules, R"({"duration_ms": 5})") == "{\n  \"duration_ms\": 5\n}\n");
}

TEST_CASE("normalize::parse_rules_toml extends a profile") {
  const NormalizeRules rules = parsed(R"(
extends = "rocky-current"
wall_clock_keys = ["only_this"]
[string_sentinels]
run_id = "run-MINE"
extra = "EXTRA"
)");
  const NormalizeRules base = normalize::rocky_current_profile();
  CHECK(rules.source == "rules.toml");
  // Lists the file names replace the profile's; the rest is inherited.
  CHECK(rules.wall_clock_keys == std::vector<std::string>{"only_this"});
  CHECK(rules.zero_suffixes == base.zero_suffixes);
  CHECK(rules.zero_keep_type_keys == base.zero_keep_type_keys);
  // Sentinels merge: same key overridden, new key added.
  CHECK(rules.string_sentinels.size() == base.string_sentinels.size() + 1);
  CHECK(apply(rules, R"({"run_id": "a", "extra": "b", "hostname": "c", "started_at": "d", "only_this": "e"})") ==
        "{\n  \"run_id\": \"run-MINE\",\n  \"extra\": \"EXTRA\",\n  \"hostname\": \"host-SENTINEL\",\n"
        "  \"started_at\": \"d\",\n  \"only_this\": \"2000-01-01T00:00:00Z\"\n}\n");

  const NormalizeRules from_default = parsed("extends = \"default\"\n");
  CHECK(from_default.opaque_keys == std::vector<std::string>{"data"});
  CHECK(from_default.preserve_keys == std::vector<std::string>{"last_value"});
}

TEST_CASE("normalize::parse_rules_toml refuses unknown keys, naming key and line") {
  const Error top = refused("zero_suffixes = [\"_ms\"]\n\nzero_sufixes = [\"_s\"]\n");
  CHECK_THAT(top.message, Catch::StartsWith("rules.toml:3:") && Catch::Contains("unknown key \"zero_sufixes\""));
  CHECK_THAT(top.hint, Catch::Contains("zero_suffixes"));

  const Error in_rule = refused("[[rule]]\nat = \"/a\"\naction = \"zero\"\nselector = \"/b\"\n");
  CHECK_THAT(in_rule.message, Catch::StartsWith("rules.toml:4:") && Catch::Contains("unknown key \"selector\" in a [[rule]]"));
  CHECK_THAT(in_rule.hint, Catch::Contains("at, by"));

  const Error table = refused("[profile]\nname = \"x\"\n");
  CHECK_THAT(table.message, Catch::Contains("unknown key \"profile\""));
}

TEST_CASE("normalize::parse_rules_toml refuses wrong types") {
  struct Case {
    std::string text;
    std::string part;
    std::string line;
  };
  const std::vector<Case> cases = {
      {"zero_suffixes = \"_ms\"\n", "\"zero_suffixes\" must be an array of strings", "rules.toml:1:"},
      {"\nwall_clock_keys = [\"a\", 1]\n", "\"wall_clock_keys\" must be an array of strings", "rules.toml:2:"},
      {"preserve_keys = [[\"a\"]]\n", "\"preserve_keys\" must be an array of strings", "rules.toml:1:"},
      {"opaque_keys = true\n", "\"opaque_keys\" must be an array of strings", "rules.toml:1:"},
      {"zero_keep_type_keys = {a = 1}\n", "\"zero_keep_type_keys\" must be an array of strings", "rules.toml:1:"},
      {"wall_clock_sentinel = 2000\n", "\"wall_clock_sentinel\" must be a string", "rules.toml:1:"},
      {"string_sentinels = [\"run_id\"]\n", "\"string_sentinels\" must be a table", "rules.toml:1:"},
      {"[string_sentinels]\nrun_id = 5\n", "\"string_sentinels.run_id\" must be a string", "rules.toml:2:"},
      {"rule = \"x\"\n", "\"rule\" must be an array of tables", "rules.toml:1:"},
      {"rule = [1]\n", "\"rule\" must be a table", "rules.toml:1:"},
      {"[[rule]]\nat = \"/a\"\n", "needs \"at\" (a selector) and \"action\"", "rules.toml:1:"},
      {"[[rule]]\naction = \"zero\"\n", "needs \"at\"", "rules.toml:1:"},
      {"[[rule]]\nat = 5\naction = \"zero\"\n", "needs \"at\"", "rules.toml:1:"},
      {"[[rule]]\nat = \"/a\"\naction = \"sentinel\"\n", "action \"sentinel\" needs \"value\"", "rules.toml:1:"},
      {"[[rule]]\nat = \"/a\"\naction = \"sentinel\"\nvalue = 3\n", "needs \"value\" (a string)", "rules.toml:1:"},
      {"[[rule]]\nat = \"/a\"\naction = \"scrub\"\nreplacement = \"x\"\n", "action \"scrub\" needs \"pattern\"", "rules.toml:1:"},
      {"[[rule]]\nat = \"/a\"\naction = \"scrub\"\npattern = \"x\"\n", "action \"scrub\" needs \"replacement\"", "rules.toml:1:"},
      {"zero_suffixes = [\"_ms\", \"_secs\", \"_ms\"]\n", "\"zero_suffixes\" lists \"_ms\" twice", "rules.toml:1:"},
      {"\nwall_clock_keys = [\"at\",\n \"at\"]\n", "\"wall_clock_keys\" lists \"at\" twice", "rules.toml:3:"},
  };
  for (const Case& c : cases) {
    const Error error = refused(c.text);
    INFO("error: " << error.message);
    CHECK_THAT(error.message, Catch::StartsWith(c.line) && Catch::Contains(c.part));
  }
}

TEST_CASE("normalize::parse_rules_toml refuses bad selectors, actions and patterns with the line") {
  const Error selector = refused("[[rule]]\n\nat = \"materializations/*\"\naction = \"zero\"\n");
  CHECK_THAT(selector.message, Catch::StartsWith("rules.toml:3:") && Catch::Contains("invalid selector \"materializations/*\""));
  CHECK_THAT(selector.hint, Catch::Contains("starts with '/'"));

  const Error escape = refused("[[rule]]\nat = \"/a~2\"\naction = \"zero\"\n");
  CHECK_THAT(escape.message, Catch::StartsWith("rules.toml:2:") && Catch::Contains("invalid selector"));

  const Error action = refused("[[rule]]\nat = \"/a\"\naction = \"delete\"\n");
  CHECK_THAT(action.message, Catch::StartsWith("rules.toml:3:") && Catch::Contains("unknown action \"delete\""));
  CHECK_THAT(action.hint, Catch::Contains("scrub") && Catch::Contains("sort"));

  // A pattern PCRE2 cannot compile is refused when the file is read, with
  // the line, not later when the rules are compiled.
  const Error pattern = refused("[[rule]]\nat = \"/a\"\naction = \"scrub\"\npattern = \"tmp_(\"\nreplacement = \"x\"\n");
  CHECK_THAT(pattern.message, Catch::StartsWith("rules.toml:4:") && Catch::Contains("invalid pattern \"tmp_(\""));
  const Error range = refused("[[rule]]\nat = \"/a\"\naction = \"scrub\"\npattern = \"[z-a]\"\nreplacement = \"x\"\n");
  CHECK_THAT(range.message, Catch::StartsWith("rules.toml:4:") && Catch::Contains("invalid pattern"));
}

TEST_CASE("normalize::parse_rules_toml refuses a bad extends and invalid TOML") {
  const Error unknown = refused("extends = \"rocky-next\"\n");
  CHECK_THAT(unknown.message, Catch::StartsWith("rules.toml:1:") && Catch::Contains("\"extends\" must name a built-in profile"));
  CHECK_THAT(unknown.hint, Catch::Contains("default, rocky-current"));
  const Error not_string = refused("\nextends = 1\n");
  CHECK_THAT(not_string.message, Catch::StartsWith("rules.toml:2:") && Catch::Contains("extends"));

  const Error toml = refused("zero_suffixes = [\"_ms\"\n");
  CHECK_THAT(toml.message, Catch::StartsWith("rules.toml:") && Catch::Contains("invalid TOML"));
  const Error dup = refused("zero_suffixes = []\nzero_suffixes = []\n");
  CHECK_THAT(dup.message, Catch::StartsWith("rules.toml:2:") && Catch::Contains("invalid TOML"));
}

TEST_CASE("normalize::load_rules_file and resolve_rules") {
  test::ScratchDir dir;
  const auto file = dir.path() / "my.toml";
  test::write_text(file, "extends = \"default\"\nzero_suffixes = [\"_x\"]\n");
  auto loaded = normalize::load_rules_file(file);
  REQUIRE(loaded.has_value());
  CHECK(loaded->source == file.string());
  CHECK(loaded->zero_suffixes == std::vector<std::string>{"_x"});

  // Errors name the file the user gave.
  test::write_text(dir.path() / "bad.toml", "\n\nnope = 1\n");
  auto bad = normalize::load_rules_file(dir.path() / "bad.toml");
  REQUIRE_FALSE(bad.has_value());
  CHECK_THAT(bad.error().message, Catch::StartsWith((dir.path() / "bad.toml").string() + ":3:"));

  auto missing = normalize::load_rules_file(dir.path() / "missing.toml");
  REQUIRE_FALSE(missing.has_value());
  CHECK(missing.error().code() == ExitCode::EngineOrIoError);

  // resolve_rules: --profile, --rules, neither, both.
  auto by_default = normalize::resolve_rules("", "");
  REQUIRE(by_default.has_value());
  CHECK(by_default->source == "profile default");
  auto rocky = normalize::resolve_rules("rocky-current", "");
  REQUIRE(rocky.has_value());
  CHECK(rocky->source == "profile rocky-current");
  auto from_file = normalize::resolve_rules("", file);
  REQUIRE(from_file.has_value());
  CHECK(from_file->zero_suffixes == std::vector<std::string>{"_x"});
  auto both = normalize::resolve_rules("default", file);
  REQUIRE_FALSE(both.has_value());
  CHECK(both.error().code() == ExitCode::UsageError);
  CHECK_THAT(both.error().message, Catch::Contains("exclude each other"));
  auto unknown = normalize::resolve_rules("nightly", "");
  REQUIRE_FALSE(unknown.has_value());
  CHECK(unknown.error().code() == ExitCode::UsageError);
  CHECK_THAT(unknown.error().message, Catch::Contains("unknown profile \"nightly\""));
  CHECK_THAT(unknown.error().hint, Catch::Contains("default, rocky-current"));
}
