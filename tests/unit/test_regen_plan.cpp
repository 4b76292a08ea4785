// The capture plan (fixturegen.toml + capture.toml): everything the format
// allows is read, and every mistake is refused with the file, the line, the
// column and the key.

#include "support.hpp"

#include <fixturegen/regen/capture_plan.hpp>

#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

using namespace fixturegen;
using namespace fixturegen::regen;
namespace fs = std::filesystem;

namespace {

ProjectConfig config_ok(std::string_view text) {
  auto config = parse_project_config(text, "proj/fixturegen.toml");
  INFO("config:\n" << text << (config ? std::string() : "\nerror: " + config.error().message));
  REQUIRE(config.has_value());
  return std::move(*config);
}

std::string config_refused(std::string_view text) {
  auto config = parse_project_config(text, "proj/fixturegen.toml");
  INFO("config:\n" << text);
  REQUIRE_FALSE(config.has_value());
  CHECK(config.error().code() == ExitCode::UsageError);
  return config.error().message;
}

PocPlan poc_ok(std::string_view text) {
  PlanProblems problems;
  auto plan = parse_poc_plan(text, "pocs/a", "/p/pocs/a", problems);
  INFO("capture.toml:\n" << text << "\nproblems: " << (problems.empty() ? "" : problems.to_error("x").message));
  REQUIRE(plan.has_value());
  return std::move(*plan);
}

std::string poc_refused(std::string_view text) {
  PlanProblems problems;
  auto plan = parse_poc_plan(text, "pocs/a", "/p/pocs/a", problems);
  INFO("capture.toml:\n" << text);
  REQUIRE_FALSE(plan.has_value());
  REQUIRE_FALSE(problems.empty());
  return problems.to_error("pocs/a").message;
}

constexpr std::string_view kMinimalConfig = R"(
output = "fixtures_generated"
pocs = ["pocs/a"]
[engine]
command = "rocky"
)";

}  // namespace

TEST_CASE("regen::parse_project_config reads the example of the README") {
  const ProjectConfig config = config_ok(R"(
output = "fixtures_generated"
pocs = [                        # explicit, in order
  "pocs/00-foundations/01-replication-basics",
  "pocs/02-performance/03-partition-checksum/",
]
pass_env = ["RUST_BACKTRACE"]

[engine]
command = "rocky"
version = "1.74"

[tools]
duckdb = "duckdb"
sqlite = "./bin/sqlite"

[normalize]
profile = "rocky-current"

[env]
ZED = "1"
ALPHA = "2"
)");
  CHECK(config.root == fs::path("proj"));
  CHECK(config.output == "fixtures_generated");
  REQUIRE(config.pocs.size() == 2);
  CHECK(config.pocs[0].name == "pocs/00-foundations/01-replication-basics");
  CHECK(config.pocs[1].name == "pocs/02-performance/03-partition-checksum");  // trailing '/' dropped
  CHECK(config.pocs[1].where.line == 5);
  CHECK(config.engine_command == "rocky");
  CHECK(config.engine_version == "1.74");
  REQUIRE(config.tools.size() == 2);
  CHECK(config.tools[0] == std::pair<std::string, std::string>{"duckdb", "duckdb"});
  CHECK(config.tools[1].second == "./bin/sqlite");
  CHECK(config.normalize_profile == "rocky-current");
  // File order, not toml++'s sorted order.
  REQUIRE(config.env.size() == 2);
  CHECK(config.env[0].first == "ZED");
  CHECK(config.pass_env == std::vector<std::string>{"RUST_BACKTRACE"});
}

TEST_CASE("regen::parse_project_config refuses mistakes, all of them at once, with file and line") {
  SECTION("unknown keys, wrong types, missing parts") {
    const std::string message = config_refused(R"(output = 3
pocs = "pocs/a"
colour = "red"
[engine]
commmand = "rocky"
)");
    CHECK_THAT(message, Catch::Contains("proj/fixturegen.toml:1:10: \"output\" must be a string"));
    CHECK_THAT(message, Catch::Contains("proj/fixturegen.toml:2:8: \"pocs\" must be an array of POC folders"));
    CHECK_THAT(message, Catch::Contains("proj/fixturegen.toml:3:10: unknown key \"colour\""));
    CHECK_THAT(message, Catch::Contains("unknown key \"commmand\" in [engine]"));
    CHECK_THAT(message, Catch::Contains("[engine] needs \"command\""));
    CHECK_THAT(message, Catch::Contains("5 problems"));
  }
  SECTION("paths leaving the project") {
    const std::string message = config_refused(R"(output = "../elsewhere"
pocs = ["/abs/poc", "pocs/../../x", "pocs/a", "pocs/a"]
[engine]
command = "rocky"
)");
    CHECK_THAT(message, Catch::Contains("\"output\" = \"../elsewhere\" must be a folder inside the project"));
    CHECK_THAT(message, Catch::Contains("POC \"/abs/poc\" must be a folder inside the project"));
    CHECK_THAT(message, Catch::Contains("POC \"pocs/../../x\" must be a folder inside the project"));
    CHECK_THAT(message, Catch::Contains("POC \"pocs/a\" is listed twice (first at proj/fixturegen.toml:2:37)"));
  }
  SECTION("normalize takes one of profile and rules; env names are names") {
    const std::string message = config_refused(R"(pass_env = ["OK", "NOT-OK"]
)" + std::string(kMinimalConfig) + R"(
[normalize]
profile = "default"
rules = "rules.toml"
[env]
"A B" = "x"
)");
    CHECK_THAT(message, Catch::Contains("takes \"profile\" or \"rules\", not both"));
    CHECK_THAT(message, Catch::Contains("pass_env: \"NOT-OK\" is not an environment variable name"));
    CHECK_THAT(message, Catch::Contains("\"A B\" is not an environment variable name"));
  }
  SECTION("invalid TOML names line and column") {
    CHECK_THAT(config_refused("output = \"x\"\npocs = [\n"), Catch::Contains("proj/fixturegen.toml:2:10: invalid TOML"));
  }
  SECTION("no output, no pocs, no engine") {
    const std::string message = config_refused("");
    CHECK_THAT(message, Catch::Contains("no \"output\""));
    CHECK_THAT(message, Catch::Contains("no \"pocs\""));
    CHECK_THAT(message, Catch::Contains("no [engine]"));
  }
}

TEST_CASE("regen::parse_poc_plan reads the example of the README") {
  const PocPlan plan = poc_ok(R"(
output = "partition"
clean = [".rocky-state.redb", "models/.rocky-state.redb", "poc.duckdb"]

[[step]]
tool = "duckdb"
args = ["poc.duckdb"]
stdin = "data/seed.sql"

[[step]]
capture = "compile"
args = ["compile", "--models", "models"]

[[step]]
args = ["plan", "--filter", "source=orders"]
bind = { plan_id = "/plan_id" }

[[step]]
capture = "review_status"
args = ["review", "{plan_id}", "--status"]
exit = [0]
timeout = "60s"
env = { RUST_LOG = "warn" }
expect = { "/reviewed" = false, "/counts" = [1, 2.5, "x"], "/a~1b" = { n = 1 } }
)");
  CHECK(plan.output == "partition");
  CHECK(plan.clean.size() == 3);
  REQUIRE(plan.steps.size() == 4);
  const Step& seed = plan.steps[0];
  CHECK(seed.number == 1);
  CHECK(seed.where.line == 5);
  CHECK(seed.tool == "duckdb");
  CHECK(seed.stdin_file == "data/seed.sql");
  CHECK_FALSE(seed.reads_stdout());
  CHECK(seed.allowed_exit(0));
  CHECK_FALSE(seed.allowed_exit(1));  // a step that reads no stdout must exit 0 by default
  CHECK(plan.capture_file(plan.steps[1]) == "partition/compile.json");
  CHECK(plan.steps[1].allowed_exit(2));  // a captured step takes any exit code by default
  CHECK(plan.steps[1].timeout == std::chrono::minutes(10));
  REQUIRE(plan.steps[2].bind.size() == 1);
  CHECK(plan.steps[2].bind[0].second == "/plan_id");
  CHECK(plan.steps[2].reads_stdout());
  const Step& review = plan.steps[3];
  CHECK(review.args[1] == "{plan_id}");
  CHECK(review.exit_codes == std::vector<int>{0});
  CHECK_FALSE(review.allowed_exit(1));
  CHECK(review.timeout == std::chrono::seconds(60));
  CHECK(review.env == NamedValues{{"RUST_LOG", "warn"}});
  REQUIRE(review.expect.size() == 3);
  CHECK(review.expect[0].pointer == "/reviewed");
  CHECK(review.expect[0].expected_json == "false");
  CHECK(review.expect[1].expected_json == "[1,2.5,\"x\"]");
  CHECK(review.expect[2].pointer == "/a~1b");
  CHECK(review.expect[2].expected_json == "{\"n\":1}");
}

TEST_CASE("regen::parse_poc_plan: output \"\" is the top level") {
  const PocPlan plan = poc_ok("output = \"\"\n[[step]]\ncapture = \"sub/run_1\"\nargs = [\"run\"]\n");
  CHECK(plan.capture_file(plan.steps[0]) == "sub/run_1.json");
}

TEST_CASE("regen::parse_poc_plan refuses each mistake with file, line and key") {
  SECTION("unknown key in a step") {
    CHECK_THAT(poc_refused("[[step]]\nargs = []\ncaptur = \"x\"\n"),
               Catch::Contains("/p/pocs/a/capture.toml:3:10: unknown key \"captur\" in [[step]] 1"));
  }
  SECTION("unknown top-level key and a step without args") {
    const std::string message = poc_refused("outptu = \"x\"\n[[step]]\ncapture = \"x\"\n");
    CHECK_THAT(message, Catch::Contains("capture.toml:1:10: unknown key \"outptu\""));
    CHECK_THAT(message, Catch::Contains("capture.toml:2:1: [[step]] 1 has no \"args\""));
  }
  SECTION("wrong types") {
    const std::string message = poc_refused(R"([[step]]
args = "compile"
capture = 1
exit = 0
env = ["A"]
timeout = 60
)");
    CHECK_THAT(message, Catch::Contains(":2:8: \"args\" must be an array of strings"));
    CHECK_THAT(message, Catch::Contains(":3:11: \"capture\" must be a string"));
    CHECK_THAT(message, Catch::Contains(":4:8: \"exit\" must be a non-empty array of exit codes"));
    CHECK_THAT(message, Catch::Contains(":5:7: \"env\" must be a table of strings"));
    CHECK_THAT(message, Catch::Contains(":6:11: \"timeout\" must be a string"));
  }
  SECTION("a placeholder never bound, or bound only later") {
    const std::string message = poc_refused(R"([[step]]
args = ["review", "{plan_id}", "{ not a placeholder }", "{}"]
[[step]]
args = ["plan"]
bind = { plan_id = "/plan_id" }
)");
    CHECK_THAT(message, Catch::Contains("capture.toml:1:1: step 1: argument \"{plan_id}\" uses {plan_id}, which no earlier step binds"));
    CHECK_THAT(message, !Catch::Contains("not a placeholder"));
    CHECK(message.find("problems") == std::string::npos);  // exactly one problem
  }
  SECTION("a capture name used twice") {
    CHECK_THAT(poc_refused("[[step]]\nargs=[]\ncapture=\"run\"\n[[step]]\nargs=[]\ncapture=\"run\"\n"),
               Catch::Contains(":4:1: step 2: capture \"run\" is already step 1's"));
  }
  SECTION("capture names and paths that leave their folder") {
    const std::string message = poc_refused(R"(output = "../up"
clean = ["/etc/passwd", "ok", "a/../../b"]
[[step]]
args = []
capture = "../../escape"
stdin = "../seed.sql"
[[step]]
args = []
capture = "/abs"
[[step]]
args = []
capture = "x.json"
)");
    CHECK_THAT(message, Catch::Contains("\"output\" = \"../up\" must be a sub-folder name"));
    CHECK_THAT(message, Catch::Contains("clean path \"/etc/passwd\" must be inside the POC"));
    CHECK_THAT(message, Catch::Contains("clean path \"a/../../b\" must be inside the POC"));
    CHECK_THAT(message, Catch::Contains("capture name \"../../escape\" must be a relative name"));
    CHECK_THAT(message, Catch::Contains("\"stdin\" = \"../seed.sql\" must be a path inside the POC"));
    CHECK_THAT(message, Catch::Contains("capture name \"/abs\""));
    CHECK_THAT(message, Catch::Contains("capture name \"x.json\" gets \".json\" appended"));
  }
  SECTION("expect, exit, timeout and bind values") {
    const std::string message = poc_refused(R"([[step]]
args = []
capture = "c"
exit = [0, 256, "1"]
timeout = "10 minutes"
bind = { id = "no-slash", "bad-name" = "/x" }
expect = { "reviewed" = true, "/when" = 1979-05-27 }
)");
    CHECK_THAT(message, Catch::Contains(":4:12: \"exit\" must be a non-empty array of exit codes (integers 0-255)"));
    CHECK_THAT(message, Catch::Contains(":4:17: \"exit\""));
    CHECK_THAT(message, Catch::Contains("\"timeout\" = \"10 minutes\" is not a duration"));
    CHECK_THAT(message, Catch::Contains("bind.id = \"no-slash\" is not a JSON Pointer"));
    CHECK_THAT(message, Catch::Contains("bind name \"bad-name\" must be letters"));
    CHECK_THAT(message, Catch::Contains("expect key \"reviewed\" is not a JSON Pointer"));
    CHECK_THAT(message, Catch::Contains("expect.\"/when\": dates and times have no JSON type"));
  }
  SECTION("no steps at all") {
    CHECK_THAT(poc_refused("output = \"x\"\n"), Catch::Contains("capture.toml:1:1: no [[step]]"));
  }
  SECTION("step written as a table, not an array of tables") {
    CHECK_THAT(poc_refused("[step]\nargs = []\n"), Catch::Contains("write each as [[step]]"));
  }
}

TEST_CASE("regen::parse_duration") {
  CHECK(parse_duration("60s") == std::chrono::seconds(60));
  CHECK(parse_duration("10m") == std::chrono::minutes(10));
  CHECK(parse_duration("500ms") == std::chrono::milliseconds(500));
  CHECK(parse_duration("1h") == std::chrono::hours(1));
  CHECK_FALSE(parse_duration("0s"));
  CHECK_FALSE(parse_duration("s"));
  CHECK_FALSE(parse_duration("10"));
  CHECK_FALSE(parse_duration("-1s"));
  CHECK_FALSE(parse_duration("1.5s"));
  CHECK_FALSE(parse_duration("9999999999s"));
}

TEST_CASE("regen::placeholders: only {name} is a placeholder, other braces are literal") {
  CHECK(placeholders_in("{a}-{b_2}") == std::vector<std::string>{"a", "b_2"});
  CHECK(placeholders_in("{\"json\": 1} {} {1x} {a b}").empty());
  const NamedValues bound{{"plan_id", "p-1"}, {"x", "{x}"}};
  CHECK(substitute_placeholders("review {plan_id} --status", bound) == "review p-1 --status");
  CHECK(substitute_placeholders("{plan_id}{plan_id}", bound) == "p-1p-1");
  // A value is inserted once, never re-expanded.
  CHECK(substitute_placeholders("{x}", bound) == "{x}");
  CHECK(substitute_placeholders("{unknown} {\"a\":1}", bound) == "{unknown} {\"a\":1}");
}

TEST_CASE("regen::is_confined_relative_path and path_stays_inside") {
  CHECK(is_confined_relative_path("a/b.sql"));
  CHECK(is_confined_relative_path("./a"));
  CHECK_FALSE(is_confined_relative_path(""));
  CHECK_FALSE(is_confined_relative_path("/a"));
  CHECK_FALSE(is_confined_relative_path("a/../b"));
  CHECK_FALSE(is_confined_relative_path("a//b"));

  test::ScratchDir scratch;
  const fs::path root = scratch.path() / "poc";
  fs::create_directories(root / "data");
  test::write_text(root / "data" / "seed.sql", "select 1;");
  test::write_text(scratch.path() / "secret.sql", "x");
  fs::create_symlink(scratch.path() / "secret.sql", root / "data" / "out.sql");
  fs::create_symlink("seed.sql", root / "data" / "in.sql");
  CHECK(path_stays_inside(root, root / "data" / "seed.sql"));
  CHECK(path_stays_inside(root, root / "data" / "in.sql"));
  CHECK(path_stays_inside(root, root / "data" / "missing.sql"));
  CHECK_FALSE(path_stays_inside(root, root / "data" / "out.sql"));
  CHECK_FALSE(path_stays_inside(root, root / ".." / "secret.sql"));
}
