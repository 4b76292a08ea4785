#include <fixturegen/json/document.hpp>
#include <fixturegen/scenario/output_type.hpp>

#include <catch2/catch.hpp>

#include <string>

using fixturegen::json::Document;
using fixturegen::scenario::MatchRule;
using fixturegen::scenario::OutputTypeMatcher;

namespace {

Document parse(const std::string& text) {
  Document document;
  REQUIRE_FALSE(Document::parse(text, document));
  return document;
}

}  // namespace

TEST_CASE("scenario::MatchRule") {
  const MatchRule lineage{"lineage", {}, {}};
  const MatchRule column{"lineage", {"column"}, {}};
  Document model = parse(R"({"command": "lineage", "model": "m"})");
  Document with_column = parse(R"({"command": "lineage", "model": "m", "column": "c"})");
  Document other = parse(R"({"command": "run"})");
  Document not_string = parse(R"({"command": 1})");

  CHECK(lineage.matches(model.root()));
  CHECK(lineage.matches(with_column.root()));
  CHECK_FALSE(column.matches(model.root()));
  CHECK(column.matches(with_column.root()));
  CHECK_FALSE(lineage.matches(other.root()));
  CHECK_FALSE(lineage.matches(not_string.root()));
  CHECK(column.discriminators() == 1);

  const MatchRule plain{"lineage", {}, {"column"}};
  CHECK_FALSE(plain.matches(with_column.root()));
  CHECK(plain.overlaps(lineage));
  CHECK_FALSE(plain.overlaps(column));  // one needs `column`, the other forbids it
  CHECK_FALSE(lineage.overlaps(MatchRule{"run", {}, {}}));
}

TEST_CASE("scenario::OutputTypeMatcher") {
  SECTION("the rule with the most discriminators wins") {
    OutputTypeMatcher matcher;
    REQUIRE(matcher.add("lineage", MatchRule{"lineage", {}, {}}));
    REQUIRE(matcher.add("column_lineage", MatchRule{"lineage", {"column"}, {}}));
    CHECK(matcher.match(parse(R"({"command": "lineage"})").root()) == "lineage");
    CHECK(matcher.match(parse(R"({"command": "lineage", "column": "x"})").root()) == "column_lineage");
    CHECK_FALSE(matcher.match(parse(R"({"command": "run"})").root()));
    CHECK_FALSE(matcher.match(parse(R"([1, 2])").root()));
    CHECK(matcher.has_type("lineage"));
    CHECK_FALSE(matcher.has_type("run"));
  }

  SECTION("a tie is refused, naming both types and what to do") {
    OutputTypeMatcher matcher;
    REQUIRE(matcher.add("a", MatchRule{"x", {"k1"}, {}}));
    auto tie = matcher.add("b", MatchRule{"x", {"k2"}, {}});
    REQUIRE_FALSE(tie);
    CHECK_THAT(tie.error().message, Catch::Contains("\"a\"") && Catch::Contains("\"b\"") && Catch::Contains("tie"));
    CHECK_THAT(tie.error().hint, Catch::Contains("has_keys"));
    CHECK(tie.error().code() == fixturegen::ExitCode::UsageError);
    // Same count but exclusive: no tie.
    CHECK(matcher.add("c", MatchRule{"x", {}, {"k1"}}));
    // Same command without discriminators vs one with: no tie either.
    CHECK(matcher.add("d", MatchRule{"y", {}, {}}));
    CHECK(matcher.add("e", MatchRule{"y", {"z"}, {}}));
    CHECK_FALSE(matcher.add("d", MatchRule{"q", {}, {}}));  // a type twice
  }

  SECTION("the engine's convention") {
    OutputTypeMatcher matcher;
    matcher.add_engine_convention();
    CHECK(matcher.match(parse(R"({"command": "lineage", "column": "c"})").root()) == "column_lineage");
    CHECK(matcher.match(parse(R"({"command": "lineage"})").root()) == "lineage");
    CHECK(matcher.match(parse(R"({"command": "history", "model": "m"})").root()) == "model_history");
    CHECK(matcher.match(parse(R"({"command": "history"})").root()) == "history");
    CHECK(matcher.match(parse(R"({"command": "review_status"})").root()) == "review_status");
    // Never a file name made from hostile text.
    CHECK_FALSE(matcher.match(parse(R"({"command": "../../etc/passwd"})").root()));
    CHECK_FALSE(matcher.match(parse(R"({"no_command": true})").root()));
  }

  SECTION("the convention defers to scenarios' own rules") {
    OutputTypeMatcher matcher;
    REQUIRE(matcher.add("lineage", MatchRule{"lineage", {}, {"column"}}));
    REQUIRE(matcher.add("column_lineage", MatchRule{"lineage", {"column", "trace"}, {}}));
    matcher.add_engine_convention();
    CHECK(matcher.entries().size() == 3);  // model_history added, column_lineage kept
    CHECK(matcher.match(parse(R"({"command": "lineage", "column": "c", "trace": []})").root()) ==
          "column_lineage");
    CHECK(matcher.match(parse(R"({"command": "history", "model": "m"})").root()) == "model_history");
  }
}

TEST_CASE("scenario::is_type_name") {
  CHECK(fixturegen::scenario::is_type_name("column_lineage"));
  CHECK(fixturegen::scenario::is_type_name("a1"));
  CHECK_FALSE(fixturegen::scenario::is_type_name(""));
  CHECK_FALSE(fixturegen::scenario::is_type_name("Run"));
  CHECK_FALSE(fixturegen::scenario::is_type_name("a-b"));
  CHECK_FALSE(fixturegen::scenario::is_type_name("a/b"));
}
